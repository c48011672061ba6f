package io.camelmcp.gateway.relay;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.camelmcp.gateway.upstream.EventChunks;

/**
 * One of the gateway's own SSE streams to a client (the GET stream): every event has an id
 * {@code <stream id>-<sequence>}, unique within the session; the last events are kept so that a client that
 * reconnects with {@code Last-Event-ID} gets what it missed on this stream and nothing it already had.
 * The HTTP response reading it is an {@link Attachment}; while none is attached, events only go to the history.
 */
public final class EventStream {

    private final String id;
    private final int historySize;
    private final long historyBytes;
    private long bytes;
    private final ArrayDeque<byte[]> history = new ArrayDeque<>();
    private long seq;
    private Attachment current;
    private boolean complete;

    public EventStream(String id, int historySize, long historyBytes) {
        this.id = id;
        this.historySize = historySize;
        this.historyBytes = historyBytes;
    }

    public String id() { return id; }

    /** Appends one JSON-RPC message as an event; returns the event as framed for the wire. */
    public synchronized byte[] publish(byte[] json) {
        seq++;
        byte[] event = EventChunks.frame(id + "-" + seq, json);
        history.addLast(event);
        bytes += event.length;
        while (history.size() > historySize || (bytes > historyBytes && history.size() > 1)) {
            bytes -= history.removeFirst().length;
        }
        if (current != null) {
            current.offer(event);
        }
        return event;
    }

    /** The priming event of 2025-11-25 (an id, no data) with the retry hint: where a reconnect resumes from. */
    public synchronized byte[] priming(long retryMillis) {
        return ("retry: " + retryMillis + "\nid: " + id + "-" + seq + "\ndata: \n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** No more events will come (a request's stream after its response): a resumed reader ends after the history. */
    public synchronized void complete() {
        complete = true;
        if (current != null) {
            current.end();
        }
    }

    public synchronized boolean isComplete() {
        return complete;
    }

    /**
     * A new HTTP response for this stream: it starts with a priming event (an id and no data) and the retry
     * hint, then the events after {@code lastSeen} still in the history (none when {@code lastSeen} is
     * negative: a new stream), then everything published from now on. A previous attachment is ended.
     * {@code released} runs once, when the response ends or is closed (what counts the open streams counts it down).
     */
    public synchronized Attachment attach(long lastSeen, long retryMillis, long keepAliveMillis, boolean prime,
                                          Runnable released) {
        if (current != null) {
            current.end();
        }
        Attachment a = new Attachment(this, keepAliveMillis, released);
        if (prime) {
            a.offer(priming(retryMillis));
        }
        if (lastSeen >= 0) {
            long first = seq - history.size() + 1;
            long n = first;
            for (byte[] event : history) {
                if (n > lastSeen) {
                    a.offer(event);
                }
                n++;
            }
        }
        if (complete) {
            a.end();
        } else {
            current = a;
        }
        return a;
    }

    /** Ends the response reading this stream, if any (the session is over). */
    public synchronized void end() {
        if (current != null) {
            current.end();
            current = null;
        }
    }

    /** Whether an HTTP response reads this stream now (a resume would end it: the connection is replaced, not added). */
    public synchronized boolean attached() {
        return current != null && current.isOpen();
    }

    synchronized void detach(Attachment a) {
        if (current == a) {
            current = null;
        }
    }

    /**
     * The body of one GET response: blocks (on a virtual thread) for the next event, and sends an SSE comment
     * when the stream has been quiet, which is also how a vanished client is noticed.
     */
    public static final class Attachment extends EventChunks {
        private static final byte[] END = new byte[0];
        private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

        private final EventStream stream;
        private final long keepAliveMillis;
        private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
        private volatile boolean ended;
        /** Run once, at the first of end() and close(). */
        private final Runnable onRelease;
        private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

        Attachment(EventStream stream, long keepAliveMillis, Runnable released) {
            this.stream = stream;
            this.keepAliveMillis = keepAliveMillis;
            this.onRelease = released;
        }

        private void release() {
            if (released.compareAndSet(false, true)) {
                onRelease.run();
            }
        }

        void offer(byte[] event) {
            queue.offer(event);
        }

        void end() {
            ended = true;
            queue.offer(END);
            release();
        }

        /** Neither ended (its response finishes) nor closed (written to the end, or the client went away). */
        public boolean isOpen() {
            return !ended;
        }

        @Override
        protected byte[] nextChunk() {
            if (ended && queue.isEmpty()) {
                return null;
            }
            try {
                byte[] next = queue.poll(keepAliveMillis, TimeUnit.MILLISECONDS);
                return next == null ? KEEP_ALIVE : next == END ? null : next;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        @Override
        public void close() {
            ended = true;
            stream.detach(this);
            release();
        }
    }
}
