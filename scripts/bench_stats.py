"""Statistics for the benchmark driver, standard library only.

Latency samples are skewed (a long right tail from scheduling, RCU grace periods and a
shared machine), so everything is reported by order statistics: median, p10, p90, p99,
and a bootstrap 95% confidence interval of the median.

The bootstrap is exact but cheap: a resample of n values drawn with replacement from the
sorted samples x has as its k-th smallest value x[floor(n * U_(k))], where U_(k) is the
k-th smallest of n uniform variates, which is Beta(k, n - k + 1) distributed. So one
resample's median costs one or two Beta draws instead of n draws and a sort, and 10,000
resamples take milliseconds. Draws come from random.Random(seed): results repeat.
"""
import math
import random

DEFAULT_RESAMPLES = 10000
DEFAULT_SEED = 20261201


def percentile(sorted_xs, q):
    """The q-th percentile (0..100) by linear interpolation between order statistics."""
    if not sorted_xs:
        raise ValueError("no samples")
    pos = (len(sorted_xs) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(sorted_xs) - 1)
    return sorted_xs[lo] + (sorted_xs[hi] - sorted_xs[lo]) * (pos - lo)


def _resample_median(xs, rng):
    """The median of one bootstrap resample of sorted xs (see the module comment)."""
    n = len(xs)
    if n == 1:
        return xs[0]
    k = (n + 1) // 2
    u = rng.betavariate(k, n - k + 1)
    lo = xs[min(int(n * u), n - 1)]
    if n % 2:
        return lo
    # The (k+1)-th smallest is the smallest of the n-k variates above u.
    u2 = u + (1.0 - u) * rng.betavariate(1, n - k)
    return (lo + xs[min(int(n * u2), n - 1)]) / 2.0


def bootstrap_medians(sorted_xs, resamples=DEFAULT_RESAMPLES, seed=DEFAULT_SEED):
    rng = random.Random(seed)
    return [_resample_median(sorted_xs, rng) for _ in range(resamples)]


def summarize(samples, resamples=DEFAULT_RESAMPLES, seed=DEFAULT_SEED):
    """n, median, p10, p90, p99, ci95_lo, ci95_hi (bootstrap of the median), min, max."""
    xs = sorted(samples)
    boots = sorted(bootstrap_medians(xs, resamples, seed))
    return {
        "n": len(xs),
        "median": percentile(xs, 50),
        "p10": percentile(xs, 10),
        "p90": percentile(xs, 90),
        "p99": percentile(xs, 99),
        "ci95_lo": percentile(boots, 2.5),
        "ci95_hi": percentile(boots, 97.5),
        "min": xs[0],
        "max": xs[-1],
    }


def ratio_ci(num, den, resamples=DEFAULT_RESAMPLES, seed=DEFAULT_SEED):
    """median(num)/median(den) and a bootstrap 95% interval of that ratio."""
    a, b = sorted(num), sorted(den)
    ra = bootstrap_medians(a, resamples, seed)
    rb = bootstrap_medians(b, resamples, seed + 1)
    ratios = sorted(x / y for x, y in zip(ra, rb) if y > 0)
    return (percentile(a, 50) / percentile(b, 50),
            percentile(ratios, 2.5), percentile(ratios, 97.5))


def _selftest():
    """Checks the shortcut against the textbook bootstrap and percentiles against the
    standard library; exits non-zero on a mismatch. Run by `make bench-smoke`."""
    import statistics
    rng = random.Random(7)
    failures = 0
    for n in (1, 2, 51, 200):
        xs = sorted(rng.lognormvariate(0, 0.5) for _ in range(n))
        naive = sorted(statistics.median(rng.choices(xs, k=n)) for _ in range(4000))
        fast = sorted(bootstrap_medians(xs, 4000, 3))
        for q in (2.5, 50, 97.5):
            a, b = percentile(naive, q), percentile(fast, q)
            ok = abs(a - b) <= 0.05 * max(abs(a), 1e-9)
            failures += not ok
            print(f"{'ok' if ok else 'not ok'} - bootstrap n={n} q={q}: naive {a:.4f} "
                  f"exact {b:.4f}")
    xs = sorted(rng.random() for _ in range(101))
    ok = abs(percentile(xs, 50) - statistics.median(xs)) < 1e-12
    ok = ok and abs(percentile(xs, 10) - statistics.quantiles(xs, n=10,
                                                              method="inclusive")[0]) < 1e-12
    failures += not ok
    print(f"{'ok' if ok else 'not ok'} - percentiles match statistics.quantiles")
    return 1 if failures else 0


if __name__ == "__main__":
    import sys
    sys.exit(_selftest())
