package io.camelmcp.gateway.support;

/**
 * Two server-everything processes shared by every test class of one JVM, started on first use and
 * stopped when the JVM exits: starting node costs more than the tests that use it.
 */
public final class Peers {

    private static ServerEverything a;
    private static ServerEverything b;

    private Peers() {}

    public static synchronized ServerEverything everythingA() { start(); return a; }

    public static synchronized ServerEverything everythingB() { start(); return b; }

    private static void start() {
        if (a != null) {
            return;
        }
        try {
            a = ServerEverything.start();
            b = ServerEverything.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start server-everything", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                a.close();
                b.close();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }));
    }
}
