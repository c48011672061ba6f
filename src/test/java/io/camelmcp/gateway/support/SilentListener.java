package io.camelmcp.gateway.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP port that accepts every connection and never says a word: a server that hangs (stuck process, full accept
 * queue behind a proxy), which only a timeout can tell from a slow one. On a cut {@link CuttableProxy}'s port, it is
 * that server hanging.
 */
public final class SilentListener implements AutoCloseable {

    private final ServerSocket listener;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    public SilentListener(int port) throws IOException {
        listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        Thread.ofVirtual().name("silent-accept").start(() -> {
            while (!listener.isClosed()) {
                try {
                    accepted.add(listener.accept()); // held open, never read nor written
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    /** Connections taken so far: how a test sees that something tried. */
    public int accepted() {
        return accepted.size();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : accepted) {
            s.close();
        }
    }
}
