/* placeholder until the store layer lands */
typedef int isms_store_placeholder;
