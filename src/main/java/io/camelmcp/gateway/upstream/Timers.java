package io.camelmcp.gateway.upstream;

import java.util.concurrent.TimeUnit;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;

/**
 * The timer behind the deadlines of calls and streams: several are armed for every call and nearly all are
 * cancelled. Netty's hashed wheel makes arming and cancelling a queue insert each, and one thread ticks every
 * 10 ms; a scheduled executor would take a lock per operation and wake its thread whenever a new deadline is
 * the earliest, which is every call. Deadlines fire up to a tick late. Tasks must be short: they close
 * sockets or start a virtual thread.
 */
public final class Timers {

    private static final HashedWheelTimer WHEEL = new HashedWheelTimer(
            Thread.ofPlatform().name("mcp-timers").daemon().factory(), 10, TimeUnit.MILLISECONDS, 512);

    private Timers() {}

    /** Runs {@code task} after {@code nanos}; cancel the returned timeout to drop it. */
    public static Timeout after(long nanos, Runnable task) {
        return WHEEL.newTimeout(t -> task.run(), Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }
}
