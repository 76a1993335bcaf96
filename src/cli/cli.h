#ifndef ISMS_CLI_H
#define ISMS_CLI_H
/* Runs one isms command line; returns the process exit status. */
int cli_main(int argc, char **argv);
#endif
