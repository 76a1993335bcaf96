/* main.c: dispatch only. Everything isms does starts in cli/. */
#include "cli/cli.h"

int main(int argc, char **argv) { return cli_main(argc, argv); }
