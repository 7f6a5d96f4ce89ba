/*
** inspect_pgdump: how the three tables a pg_dump archive declares differ
** from the application's (verify's check 8). The archive's table of
** contents holds the statements pg_dump would run: CREATE TABLE (columns,
** NOT NULLs, CHECKs), ALTER TABLE ... ADD CONSTRAINT (primary and foreign
** keys) and CREATE INDEX. They are read as pg_dump writes them: names bare
** or double-quoted, types as format_type() spells them ("character
** varying(100)", "public.phasetype"), CHECK expressions as PostgreSQL
** deparses them ("((capital_budget >= (0)::numeric))"), which are
** compared with the schema's with their parentheses, casts to numeric and
** blanks left out.
*/
#include <ctype.h>
#include <string.h>

#include "ddl.h"
#include "inspect.h"

#define MAX_OBJECTS 16

/* A name as pg_dump writes it: bare or "quoted", maybe schema-qualified;
** the last part, unquoted, into out. Returns where it ends. */
static const char *read_name(const char *p, char *out, size_t size)
{
    size_t n = 0;
    for (;;) {
        n = 0;
        if (*p == '"') {
            for (p++; *p && !(*p == '"' && p[1] != '"'); p++) {
                if (*p == '"')
                    p++;    /* "" is one quote */
                if (n + 1 < size)
                    out[n++] = *p;
            }
            if (*p == '"')
                p++;
        } else {
            while (*p && (isalnum((unsigned char)*p) || *p == '_' || *p == '$')) {
                if (n + 1 < size)
                    out[n++] = *p;
                p++;
            }
        }
        out[n] = '\0';
        if (*p != '.')
            return p;
        p++;    /* schema.name: the name is what follows */
    }
}

static const char *skip_blanks(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

static bool starts(const char *p, const char *word)
{
    return strncmp(p, word, strlen(word)) == 0;
}

/* An expression or type without blanks, parentheses and casts to numeric,
** for comparing what the schema declares with what PostgreSQL deparses. */
static void canonical(buf_t *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (strncmp(s + i, "::numeric", 9) == 0 && i + 9 <= len) {
            i += 8;
            continue;
        }
        if (!strchr(" \t\n\r()", s[i]))
            buf_addc(out, s[i]);
    }
}

/* A type as format_type() spells it, as ddl_pg_type() does: varchar for
** "character varying", no schema before a type's name. */
static void type_spelling(buf_t *out, const char *s, size_t len)
{
    static const char cv[] = "character varying";
    while (len > 0 && strchr(" \t\n\r", s[len - 1]))
        len--;
    if (len >= sizeof cv - 1 && strncmp(s, cv, sizeof cv - 1) == 0) {
        buf_adds(out, "varchar");
        s += sizeof cv - 1;
        len -= sizeof cv - 1;
    }
    const char *dot = memchr(s, '.', len);
    if (dot && !memchr(s, '(', (size_t)(dot - s))) {
        len -= (size_t)(dot + 1 - s);
        s = dot + 1;
    }
    buf_add(out, s, len);
}

typedef struct {
    named_t *out;
    schema_t schema;
    table_id_t table;
    bool seen_table;
    bool col_seen[COLUMN_IDS];
    bool pk;
    bool check_seen[MAX_OBJECTS], index_seen[MAX_OBJECTS], fk_seen[MAX_OBJECTS];
} table_state_t;

/* One column line of CREATE TABLE: "name type[ NOT NULL]". */
static void column_line(table_state_t *st, const char *p, const char *end, size_t at)
{
    char name[128];
    const char *q = read_name(p, name, sizeof name);
    const char *tname = schema_table_name(st->table);
    column_id_t c = schema_column_named(st->table, name);
    if (c == COLUMN_NONE || !schema_has(st->schema, c)) {
        named_add(st->out, "%s.%s is no column of the application's", tname, name);
        return;
    }
    st->col_seen[c] = true;
    const table_def_t *def = schema_table(st->schema, st->table);
    size_t want_at = 0;
    while (want_at < def->ncols && def->cols[want_at] != c)
        want_at++;
    if (want_at + 1 != at)
        named_add(st->out, "%s.%s is column %zu, not %zu", tname, name, at, want_at + 1);
    q = skip_blanks(q);
    bool not_null = false;
    const char *type_end = end;
    const char *nn = strstr(q, " NOT NULL");
    if (nn && nn < end) {
        not_null = true;
        type_end = nn;
    }
    buf_t have, want;
    buf_init(&have);
    buf_init(&want);
    type_spelling(&have, q, (size_t)(type_end - q));
    ddl_pg_type(&want, c);
    if (strcmp(buf_str(&have), buf_str(&want)) != 0)
        named_add(st->out, "%s.%s is %s, not %s", tname, name, buf_str(&have), buf_str(&want));
    buf_free(&have);
    buf_free(&want);
    if (not_null != schema_column(c)->not_null)
        named_add(st->out, "%s.%s is %sNOT NULL", tname, name, not_null ? "" : "not ");
}

/* "CONSTRAINT name CHECK (expr)" of CREATE TABLE, or of ADD CONSTRAINT. */
static void check_clause(table_state_t *st, const char *name, const char *expr, size_t len)
{
    const check_def_t *ck[MAX_OBJECTS];
    size_t n = schema_checks(st->schema, st->table, ck, MAX_OBJECTS), k = 0;
    while (k < n && strcmp(ck[k]->name, name) != 0)
        k++;
    if (k == n) {
        named_add(st->out, "%s has a CHECK %s the application's has not",
                  schema_table_name(st->table), name);
        return;
    }
    st->check_seen[k] = true;
    buf_t have, want;
    buf_init(&have);
    buf_init(&want);
    canonical(&have, expr, len);
    canonical(&want, ck[k]->expr, strlen(ck[k]->expr));
    if (strcmp(buf_str(&have), buf_str(&want)) != 0)
        named_add(st->out, "CHECK %s is (%.*s), not (%s)", name, (int)len, expr, ck[k]->expr);
    buf_free(&have);
    buf_free(&want);
}

/* The text inside the parentheses that open at *p (p past it on return). */
static size_t inside(const char **p)
{
    const char *s = strchr(*p, '(');
    if (!s)
        return 0;
    const char *e = s + 1;
    for (int depth = 1; *e && depth > 0; e++)
        depth += *e == '(' ? 1 : *e == ')' ? -1 : 0;
    *p = s + 1;
    return e > s + 1 ? (size_t)(e - s - 2) : 0;
}

static void create_table(table_state_t *st, const char *body)
{
    st->seen_table = true;
    const char *p = strchr(body, '(');
    if (!p)
        return;
    p++;
    size_t at = 0;
    while (*p) {
        p = skip_blanks(p);
        if (*p == ')' || !*p)
            break;
        /* the item ends at the comma (or the closing parenthesis) at depth 0 */
        const char *e = p;
        for (int depth = 0; *e && !(depth == 0 && (*e == ',' || *e == ')')); e++)
            depth += *e == '(' ? 1 : *e == ')' ? -1 : 0;
        if (starts(p, "CONSTRAINT ")) {
            char name[128];
            const char *q = skip_blanks(read_name(p + 11, name, sizeof name));
            if (starts(q, "CHECK")) {
                size_t len = inside(&q);
                check_clause(st, name, q, len);
            }
        } else {
            column_line(st, p, e, ++at);
        }
        p = *e == ',' ? e + 1 : e;
    }
}

/* "ALTER TABLE ONLY t ADD CONSTRAINT name PRIMARY KEY (id)" or "... FOREIGN
** KEY (col) REFERENCES schema.table(col)" or "... CHECK (...)". */
static void add_constraint(table_state_t *st, const char *p)
{
    char name[128], col[128], ref[128], refcol[128];
    p = skip_blanks(read_name(p, name, sizeof name));
    const char *tname = schema_table_name(st->table);
    if (starts(p, "PRIMARY KEY")) {
        const char *q = p;
        inside(&q);
        read_name(q, col, sizeof col);
        st->pk = true;
        if (strcmp(col, schema_column_name(schema_key(st->table))) != 0)
            named_add(st->out, "%s's primary key is (%s), not (%s)", tname, col,
                      schema_column_name(schema_key(st->table)));
        return;
    }
    if (starts(p, "CHECK")) {
        size_t len = inside(&p);
        check_clause(st, name, p, len);
        return;
    }
    if (!starts(p, "FOREIGN KEY"))
        return;
    const char *q = p;
    inside(&q);
    q = read_name(q, col, sizeof col);
    const char *r = strstr(q, "REFERENCES ");
    if (!r)
        return;
    r = read_name(r + 11, ref, sizeof ref);
    inside(&r);
    read_name(r, refcol, sizeof refcol);
    const foreign_key_def_t *fk[MAX_OBJECTS];
    size_t n = schema_foreign_keys(st->schema, st->table, fk, MAX_OBJECTS), k = 0;
    while (k < n && strcmp(fk[k]->name, name) != 0)
        k++;
    if (k == n) {
        named_add(st->out, "%s.%s refers to %s (%s), which the application's does not", tname, col,
                  ref, refcol);
        return;
    }
    st->fk_seen[k] = true;
    if (strcmp(schema_column_name(fk[k]->col), col) != 0 || strcmp(fk[k]->ref_table, ref) != 0 ||
        strcmp(fk[k]->ref_col, refcol) != 0)
        named_add(st->out, "foreign key %s is %s -> %s (%s), not %s -> %s (%s)", name, col, ref,
                  refcol, schema_column_name(fk[k]->col), fk[k]->ref_table, fk[k]->ref_col);
}

/* "CREATE [UNIQUE] INDEX name ON schema.table USING btree (a, b)". */
static void create_index(table_state_t *st, const char *p, bool unique)
{
    char name[128];
    p = read_name(p, name, sizeof name);
    const index_def_t *ix[MAX_OBJECTS];
    size_t n = schema_indexes(st->schema, st->table, ix, MAX_OBJECTS), k = 0;
    while (k < n && strcmp(ix[k]->name, name) != 0)
        k++;
    if (k == n) {
        named_add(st->out, "%s has an index %s the application's has not",
                  schema_table_name(st->table), name);
        return;
    }
    st->index_seen[k] = true;
    size_t len = inside(&p);
    buf_t have, want;
    buf_init(&have);
    buf_init(&want);
    canonical(&have, p, len);
    for (size_t i = 0; i < ix[k]->ncols; i++)
        buf_printf(&want, "%s%s", i ? "," : "", schema_column_name(ix[k]->cols[i]));
    if (strcmp(buf_str(&have), buf_str(&want)) != 0)
        named_add(st->out, "index %s is on (%.*s), not (%s)", name, (int)len, p,
                  schema_column_name(ix[k]->cols[0]));
    if (unique != ix[k]->unique)
        named_add(st->out, "index %s is %sunique", name, unique ? "" : "not ");
    buf_free(&have);
    buf_free(&want);
}

/* The table a statement is about, or T_COUNT. */
static table_id_t statement_table(const char *stmt, const char **rest, bool *unique, int *kind)
{
    char name[128];
    const char *p = skip_blanks(stmt);
    *unique = false;
    if (starts(p, "CREATE TABLE ")) {
        *kind = 0;
        *rest = read_name(p + 13, name, sizeof name);
        return schema_table_named(name);
    }
    if (starts(p, "ALTER TABLE ")) {
        p += 12;
        if (starts(p, "ONLY "))
            p += 5;
        p = skip_blanks(read_name(p, name, sizeof name));
        if (!starts(p, "ADD CONSTRAINT "))
            return T_COUNT;
        *kind = 1;
        *rest = p + 15;
        return schema_table_named(name);
    }
    if (starts(p, "CREATE UNIQUE INDEX ") || starts(p, "CREATE INDEX ")) {
        *unique = starts(p, "CREATE UNIQUE INDEX ");
        p += *unique ? 20 : 13;
        const char *on = strstr(p, " ON ");
        if (!on)
            return T_COUNT;
        *kind = 2;
        *rest = p;
        read_name(on + 4 + (starts(on + 4, "ONLY ") ? 5 : 0), name, sizeof name);
        return schema_table_named(name);
    }
    return T_COUNT;
}

void inspect_pg_ddl(const char *const *statements, size_t n, schema_t s, named_t *out)
{
    table_state_t st[T_COUNT];
    for (int t = 0; t < T_COUNT; t++) {
        memset(&st[t], 0, sizeof st[t]);
        st[t].out = out;
        st[t].schema = s;
        st[t].table = (table_id_t)t;
    }
    for (size_t i = 0; i < n; i++) {
        const char *rest;
        bool unique;
        int kind;
        table_id_t t = statement_table(statements[i], &rest, &unique, &kind);
        if (t == T_COUNT)
            continue;
        if (kind == 0)
            create_table(&st[t], rest);
        else if (kind == 1)
            add_constraint(&st[t], rest);
        else
            create_index(&st[t], rest, unique);
    }
    /* what was not there */
    for (int t = 0; t < T_COUNT; t++) {
        const char *tname = schema_table_name((table_id_t)t);
        if (!st[t].seen_table) {
            named_add(out, "no table %s", tname);
            continue;
        }
        const table_def_t *def = schema_table(s, (table_id_t)t);
        for (size_t i = 0; i < def->ncols; i++)
            if (!st[t].col_seen[def->cols[i]])
                named_add(out, "%s has no column %s", tname, schema_column_name(def->cols[i]));
        if (!st[t].pk)
            named_add(out, "%s has no primary key", tname);
        const check_def_t *ck[MAX_OBJECTS];
        size_t k = schema_checks(s, (table_id_t)t, ck, MAX_OBJECTS);
        for (size_t j = 0; j < k; j++)
            if (!st[t].check_seen[j])
                named_add(out, "%s has no CHECK %s", tname, ck[j]->name);
        const index_def_t *ix[MAX_OBJECTS];
        k = schema_indexes(s, (table_id_t)t, ix, MAX_OBJECTS);
        for (size_t j = 0; j < k; j++)
            if (!st[t].index_seen[j])
                named_add(out, "%s has no index %s", tname, ix[j]->name);
        const foreign_key_def_t *fk[MAX_OBJECTS];
        k = schema_foreign_keys(s, (table_id_t)t, fk, MAX_OBJECTS);
        for (size_t j = 0; j < k; j++) {
            /* a foreign key to a table outside the three: only where the
            ** archive has that table (a dump of the three alone has none) */
            bool outside = schema_table_named(fk[j]->ref_table) == T_COUNT;
            bool has_ref = false;
            for (size_t i = 0; outside && i < n && !has_ref; i++) {
                const char *p = skip_blanks(statements[i]);
                char name[128];
                if (starts(p, "CREATE TABLE ")) {
                    read_name(p + 13, name, sizeof name);
                    has_ref = strcmp(name, fk[j]->ref_table) == 0;
                }
            }
            if (!st[t].fk_seen[j] && (!outside || has_ref))
                named_add(out, "%s has no foreign key %s", tname, fk[j]->name);
        }
    }
}
