/*
** csvparse FILE...: the floor for the benchmark: a bare libcsv parse of
** the files (256 KiB reads, callbacks that only count), nothing else.
*/
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
static void on_field(void *s, size_t n, void *d)
{
    (void)s;
    (void)n;
    (*(long *)d)++;
}
static void on_record(int c, void *d)
{
    (void)c;
    (void)d;
}
int main(int argc, char **argv)
{
    long fields = 0;
    static char buf[1 << 18];
    for (int i = 1; i < argc; i++) {
        struct csv_parser p;
        csv_init(&p, CSV_STRICT | CSV_APPEND_NULL | CSV_EMPTY_IS_NULL);
        FILE *fp = fopen(argv[i], "rb");
        if (!fp)
            return 2;
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
            csv_parse(&p, buf, n, on_field, on_record, &fields);
        csv_fini(&p, on_field, on_record, &fields);
        csv_free(&p);
        fclose(fp);
    }
    printf("%ld fields\n", fields);
    return 0;
}
