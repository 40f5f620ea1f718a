package io.presence.bench;

/** One kind of load, run against the servers of a {@link Bench}; what it measures goes into the bench's report. */
interface Scenario {

    void run(Bench bench) throws Exception;

    /**
     * How many loopback source addresses (127.0.0.1, .2, ...) the generator connects from: each
     * has its own ephemeral port range, about 28,000 connections.
     */
    default int sourceAddresses(Options options) {
        return Math.max(1, (options.integer("users", 2000) + 20_000) / 20_000);
    }
}
