/* Merging configuration records, as httpd's merge_server_config and merge_dir_config do
 * for every vhost and section: a value set in the more specific record (add) wins, else
 * the base's is kept. Every value has a companion flag "<name>_set"; values one directive
 * sets together share one flag. The names c (the result), base and add must be in scope.
 * t/unit/test_config_merge.c checks that every field of every record is merged. */
#ifndef AUTHSVC_CONFIG_MERGE_H
#define AUTHSVC_CONFIG_MERGE_H

/* field, with its own flag field_set */
#define AUTHSVC_MERGE(field) \
    do { \
        c->field = add->field##_set ? add->field : base->field; \
        c->field##_set = add->field##_set || base->field##_set; \
    } while (0)

/* field, set by a directive that sets others with it under one flag */
#define AUTHSVC_MERGE_WITH(field, flag) (c->field = add->flag ? add->field : base->field)

/* that shared flag, after its fields */
#define AUTHSVC_MERGE_FLAG(flag) (c->flag = add->flag || base->flag)

/* a value whose absence (NULL, 0) means "not set": no flag of its own */
#define AUTHSVC_MERGE_PRESENT(field) (c->field = add->field ? add->field : base->field)

#endif
