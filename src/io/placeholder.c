/* placeholder until the io layer lands */
typedef int isms_io_placeholder;
