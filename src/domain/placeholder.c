/* placeholder until the domain layer lands */
typedef int isms_domain_placeholder;
