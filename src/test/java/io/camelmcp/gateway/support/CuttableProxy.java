package io.camelmcp.gateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay in front of a test server that can be cut like a dying process: every open connection is
 * torn down at once and the port stops accepting, so peers see exactly what a crash looks like on the wire.
 */
public final class CuttableProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
    private final Thread acceptor;

    public CuttableProxy(int targetPort) throws IOException {
        this(targetPort, 0);
    }

    /** Listens on {@code port} (0: a free one): a new proxy on a cut one's port is the server coming back. */
    public CuttableProxy(int targetPort, int port) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        acceptor = Thread.ofVirtual().name("proxy-accept").start(this::acceptLoop);
    }

    public int port() { return listener.getLocalPort(); }

    /** Connections accepted so far: how a test sees whether anything reached the server. */
    public int accepted() { return accepted.get(); }

    private final StringBuffer sent = new StringBuffer();

    /** Everything clients sent through the proxy so far (ISO-8859-1): how a test sees the requests' headers. */
    public String sent() { return sent.toString(); }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                accepted.incrementAndGet();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(client);
                open.add(server);
                Thread.ofVirtual().start(() -> pump(client, server, sent));
                Thread.ofVirtual().start(() -> pump(server, client, null));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to, StringBuffer record) {
        byte[] buf = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (record != null) {
                    record.append(new String(buf, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1));
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // one side went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /** Dies: stops accepting and resets every open connection; on return the port is free for another listener. */
    public void cut() {
        closeQuietly(listener);
        try {
            // a socket closed while a virtual thread waits in accept() is only released once that thread has woken
            acceptor.join(java.time.Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Socket s : open) {
            try {
                s.setSoLinger(true, 0); // RST, not a graceful FIN
            } catch (IOException ignored) {
                // already closed
            }
            closeQuietly(s);
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    @Override
    public void close() {
        cut();
    }
}
