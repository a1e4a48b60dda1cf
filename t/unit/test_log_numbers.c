/* Every AUTHSVC_LOGNO(n) in src/ names one place in the code: an operator who greps the
 * error log for "authsvcNNNN" must land on one line. */
#include <stdio.h>
#include <string.h>

#include <apr_file_info.h>
#include <apr_hash.h>
#include <apr_strings.h>

#include "unit.h"

#ifndef AUTHSVC_SOURCE_DIR
#error "AUTHSVC_SOURCE_DIR (the absolute source directory) must be defined"
#endif

#define MARK "AUTHSVC_LOGNO("

/* The whole of path, NUL-terminated, in p; NULL when it cannot be read. */
static char *log_numbers_read(apr_pool_t *p, const char *path)
{
    FILE *f = fopen(path, "r");
    char *text = NULL;
    long size;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        text = apr_palloc(p, (apr_size_t)size + 1);
        text[fread(text, 1, (size_t)size, f)] = '\0';
    }
    fclose(f);
    return text;
}

/* Adds the numbers of one file to seen (number -> "file"); duplicates to dups. The file
 * is read whole: clang-format may put the number on the line after the parenthesis. */
static int log_numbers_scan(apr_pool_t *p, const char *dir, const char *name, apr_hash_t *seen,
                            apr_array_header_t *dups)
{
    const char *text = log_numbers_read(p, apr_pstrcat(p, dir, "/", name, NULL)), *at;
    int found = 0;

    if (!text)
        return 0;
    for (at = text; (at = strstr(at, MARK)) != NULL;) {
        const char *num = at + strlen(MARK), *end;
        while (*num == ' ' || *num == '\n' || *num == '\t')
            num++;
        end = strchr(num, ')');
        at = num;
        if (!end || end == num || strspn(num, "0123456789") != (size_t)(end - num))
            continue;
        num = apr_pstrndup(p, num, (apr_size_t)(end - num));
        if (apr_hash_get(seen, num, APR_HASH_KEY_STRING))
            APR_ARRAY_PUSH(dups, const char *) = apr_pstrcat(
                p, num, " in ", name, " and ",
                (const char *)apr_hash_get(seen, num, APR_HASH_KEY_STRING), NULL);
        else
            apr_hash_set(seen, num, APR_HASH_KEY_STRING, apr_pstrdup(p, name));
        found++;
    }
    return found;
}

/* Scans every .c file under dir and its sub-folders; returns the numbers found. */
static int log_numbers_scan_tree(apr_pool_t *p, const char *dir, apr_hash_t *seen,
                                 apr_array_header_t *dups, int *files)
{
    apr_dir_t *d = NULL;
    apr_finfo_t fi;
    int found = 0;

    if (apr_dir_open(&d, dir, p) != APR_SUCCESS)
        return 0;
    while (apr_dir_read(&fi, APR_FINFO_NAME | APR_FINFO_TYPE, d) == APR_SUCCESS) {
        apr_size_t len = strlen(fi.name);
        if (fi.filetype == APR_DIR && fi.name[0] != '.') {
            found += log_numbers_scan_tree(p, apr_pstrcat(p, dir, "/", fi.name, NULL), seen,
                                           dups, files);
            continue;
        }
        if (fi.filetype != APR_REG || len < 3 || strcmp(fi.name + len - 2, ".c") != 0)
            continue;
        (*files)++;
        found += log_numbers_scan(p, dir, fi.name, seen, dups);
    }
    apr_dir_close(d);
    return found;
}

static void test_log_numbers_are_unique(void)
{
    apr_pool_t *p = authsvc_test_pool();
    apr_hash_t *seen = apr_hash_make(p);
    apr_array_header_t *dups = apr_array_make(p, 4, sizeof(const char *));
    int files = 0, found, i;

    found = log_numbers_scan_tree(p, AUTHSVC_SOURCE_DIR "/src", seen, dups, &files);
    CU_ASSERT(files > 20);
    CU_ASSERT(found > 90); /* the scan did read the sources, split calls included */
    for (i = 0; i < dups->nelts; i++)
        fprintf(stderr, "\n  log number used twice: %s", APR_ARRAY_IDX(dups, i, const char *));
    CU_ASSERT_EQUAL(dups->nelts, 0);
}

void authsvc_test_register_log_numbers(void)
{
    CU_pSuite s = CU_add_suite("log_numbers", NULL, NULL);

    CU_add_test(s, "log numbers unique in src/", test_log_numbers_are_unique);
}
