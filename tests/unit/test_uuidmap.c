#include <stdio.h>

#include "../../pipeline/frame/uuidmap.h"
#include "unit.h"

static void put_get_through_growth(void **state)
{
    (void)state;
    uuidmap_t m;
    uuidmap_init(&m);
    for (size_t i = 0; i < 10000; i++) {
        uuid_t u = unit_uuid(i);
        assert_true(uuidmap_put(&m, &u, i, NULL));
        /* at most three quarters full, and once grown at least half: an
        ** index that doubles would be 3/8 full after each growth */
        assert_true(4 * m.count <= 3 * m.cap);
        assert_true(m.cap == 64 || 2 * m.count >= m.cap);
    }
    assert_int_not_equal(m.cap & (m.cap - 1), 0);   /* not a power of two */
    for (size_t i = 0; i < 10000; i++) {
        uuid_t u = unit_uuid(i);
        size_t v = 0;
        assert_true(uuidmap_get(&m, &u, &v));
        assert_int_equal(v, i);
    }
    uuid_t again = unit_uuid(42), absent = unit_uuid(20000);
    size_t existing = 0, v;
    assert_false(uuidmap_put(&m, &again, 1, &existing));
    assert_int_equal(existing, 42);
    assert_false(uuidmap_get(&m, &absent, &v));
    assert_int_equal(m.count, 10000);
    uuidmap_free(&m);
}

/* An index emptied with room for n takes n keys without growing, keeps
** its slots for as many or fewer, and forgets what it held. */
static void clear_with_room(void **state)
{
    (void)state;
    uuidmap_t m;
    uuidmap_init(&m);
    for (size_t n = 1; n <= 3000; n += n / 2 + 1) {
        uuidmap_clear(&m, n);
        const uuidmap_slot_t *slots = m.slots;
        for (size_t i = 0; i < n; i++) {
            uuid_t u = unit_uuid(n * 10000 + i);
            assert_true(uuidmap_put(&m, &u, i, NULL));
        }
        assert_ptr_equal(m.slots, slots);   /* no growth */
        assert_int_equal(m.count, n);
        uuidmap_clear(&m, n / 2);
        assert_ptr_equal(m.slots, slots);   /* room enough: kept */
        assert_int_equal(m.count, 0);
        uuid_t u = unit_uuid(n * 10000);
        size_t v;
        assert_false(uuidmap_get(&m, &u, &v));
    }
    uuidmap_free(&m);
}

/* Values are kept in 32 bits: the largest allowed comes back whole. */
static void largest_value(void **state)
{
    (void)state;
    uuidmap_t m;
    uuidmap_init(&m);
    uuid_t u = unit_uuid(1), w = unit_uuid(2);
    assert_true(uuidmap_put(&m, &u, UUIDMAP_MAX_VALUE, NULL));
    assert_true(uuidmap_put(&m, &w, 0, NULL));
    size_t v = 0, existing = 0;
    assert_true(uuidmap_get(&m, &u, &v));
    assert_int_equal(v, UUIDMAP_MAX_VALUE);
    assert_false(uuidmap_put(&m, &u, 5, &existing));
    assert_int_equal(existing, UUIDMAP_MAX_VALUE);
    assert_true(uuidmap_get(&m, &w, &v));
    assert_int_equal(v, 0);
    uuidmap_free(&m);
}

int run_uuidmap_tests(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(put_get_through_growth),
                                       cmocka_unit_test(largest_value),
                                       cmocka_unit_test(clear_with_room)};
    return cmocka_run_group_tests_name("uuidmap", tests, NULL, NULL);
}
