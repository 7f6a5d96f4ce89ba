#!/usr/bin/env bash
# Builds the libFuzzer targets into build/fuzz/ and runs each for SECONDS
# (default 60; FUZZ_SEED: the random seed, 1 by default so that runs
# repeat) on a corpus seeded from tests/fuzz/seeds/. Exit 1 when a
# target found a crash (its input is in build/fuzz/crash-*).
set -u
cd "$(dirname "$0")/../.."
seconds=${1:-60}
mkdir -p build/fuzz
src=$(ls pipeline/frame/*.c pipeline/commands/*.c stages/*.c | grep -v pipeline/commands/main.c)
flags="-g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -D_GNU_SOURCE"
status=0
for target in csv migrate pgdump; do
    clang $flags -o "build/fuzz/fuzz_$target" "tests/fuzz/fuzz_$target.c" $src -lcsv -lz -ldeflate -lsqlite3 -pthread || exit 2
    corpus=build/fuzz/corpus-$target
    mkdir -p "$corpus"
    cp -n tests/fuzz/seeds/$target/* "$corpus/" 2>/dev/null
    echo "== fuzz_$target for $seconds s"
    "build/fuzz/fuzz_$target" "$corpus" -max_total_time="$seconds" -seed="${FUZZ_SEED:-1}" \
        -rss_limit_mb=4096 -timeout=20 \
        -artifact_prefix=build/fuzz/ -print_final_stats=1 >"build/fuzz/$target.log" 2>&1
    rc=$?
    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb|cov: ' "build/fuzz/$target.log" | tail -3
    if [ "$rc" -ne 0 ]; then
        echo "fuzz_$target found a crash:"; grep -E 'ERROR|SUMMARY|artifact' "build/fuzz/$target.log" | head -5
        status=1
    fi
done
exit $status
