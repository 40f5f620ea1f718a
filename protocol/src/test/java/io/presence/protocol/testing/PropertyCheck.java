package io.presence.protocol.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A small property-based test runner: a property is checked on generated inputs until the
 * tries or the time budget run out, whichever first. A failure is reported with its seed (rerun
 * it with {@code -Dproperty.seed=...}) and, for list inputs, with the shortest failing sub-list
 * found by removing elements.
 *
 * <p>Ours rather than jqwik: from version 1.10 jqwik's maintainers ask that it not be used by AI
 * coding agents, which write much of this code base; older releases would only sidestep that wish.
 */
public final class PropertyCheck {

    public static final String SEED_PROPERTY = "property.seed";
    /** What shrinking may cost at most, so that a slow property stays bounded when it fails. */
    private static final int MAX_SHRINK_RUNS = 200;
    private static final long MAX_SHRINK_NANOS = Duration.ofSeconds(60).toNanos();

    private final String name;
    private int tries = 200;
    private Duration budget = Duration.ofSeconds(10);

    private PropertyCheck(String name) {
        this.name = name;
    }

    public static PropertyCheck property(String name) {
        return new PropertyCheck(name);
    }

    public PropertyCheck tries(int tries) {
        this.tries = tries;
        return this;
    }

    /** Stops generating new inputs once this much time has passed (at least one try runs). */
    public PropertyCheck within(Duration budget) {
        this.budget = budget;
        return this;
    }

    /** Checks {@code property} on inputs from {@code generator}; a throw from it is a failure. */
    public <T> void forAll(Function<Random, T> generator, Consumer<T> property) {
        run(generator, property, (input, failure) -> input);
    }

    /** As {@link #forAll}, shrinking a failing list to a shorter one that still fails. */
    public <E> void forAllLists(Function<Random, List<E>> generator, Consumer<List<E>> property) {
        run(generator, property, (input, failure) -> shrink(input, property));
    }

    /** How the smallest known failing input is found from the first one. */
    private interface Shrinker<T> {
        T shrink(T failing, Throwable failure);
    }

    private <T> void run(Function<Random, T> generator, Consumer<T> property, Shrinker<T> shrinker) {
        String fixed = System.getProperty(SEED_PROPERTY);
        long seed = fixed != null ? Long.parseLong(fixed) : new Random().nextLong();
        long deadline = System.nanoTime() + budget.toNanos();
        for (int i = 0; i < tries && (i == 0 || System.nanoTime() < deadline); i++) {
            long trySeed = seed + i;
            T input = generator.apply(new Random(trySeed));
            Throwable failure = failure(property, input);
            if (failure != null) {
                T smallest = shrinker.shrink(input, failure);
                Throwable smallestFailure = failure(property, smallest);
                AssertionError error = new AssertionError("property '" + name + "' failed on try " + (i + 1)
                        + " (rerun with -D" + SEED_PROPERTY + "=" + trySeed + ")\n  input: " + smallest
                        + (smallest == input ? "" : "\n  (shrunk from: " + input + ")"),
                        smallestFailure != null ? smallestFailure : failure);
                throw error;
            }
        }
    }

    private static <T> Throwable failure(Consumer<T> property, T input) {
        try {
            property.accept(input);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /** Removes chunks, halving their size down to single elements, while the list still fails. */
    private static <E> List<E> shrink(List<E> failing, Consumer<List<E>> property) {
        List<E> smallest = failing;
        long deadline = System.nanoTime() + MAX_SHRINK_NANOS;
        int runs = 0;
        for (int chunk = Math.max(1, smallest.size() / 2); chunk >= 1 && runs < MAX_SHRINK_RUNS; chunk /= 2) {
            boolean removed = true;
            while (removed && runs < MAX_SHRINK_RUNS) {
                removed = false;
                for (int start = 0; start + chunk <= smallest.size() && runs < MAX_SHRINK_RUNS; start += chunk) {
                    List<E> candidate = new ArrayList<>(smallest.subList(0, start));
                    candidate.addAll(smallest.subList(start + chunk, smallest.size()));
                    runs++;
                    if (System.nanoTime() > deadline) {
                        return smallest;
                    }
                    if (failure(property, candidate) != null) {
                        smallest = candidate;
                        removed = true;
                        break;
                    }
                }
            }
        }
        return smallest;
    }
}
