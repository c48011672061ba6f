package io.camelmcp.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a redis-server's command counters ({@code INFO commandstats}) over a plain socket: how many times each
 * command was processed since the server started. Two readings around a measured window give the commands Redis
 * processed per operation. The INFO commands themselves are left out. These counters include the commands a Lua
 * script runs ({@code redis.call}), so they are not the round trips: {@link Monitor} tells those apart.
 */
final class RedisStats {

    private RedisStats() {
    }

    /** Calls per command (lower case, e.g. {@code evalsha}), without {@code info}. */
    static Map<String, Long> commandCalls(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write("INFO commandstats\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String header = line(in); // $<length>
            if (!header.startsWith("$")) {
                throw new IOException("unexpected INFO reply: " + header);
            }
            byte[] body = in.readNBytes(Integer.parseInt(header.substring(1)));
            Map<String, Long> calls = new TreeMap<>();
            // cmdstat_evalsha:calls=123,usec=456,usec_per_call=3.7,rejected_calls=0,failed_calls=0
            for (String l : new String(body, StandardCharsets.UTF_8).split("\r\n")) {
                if (l.startsWith("cmdstat_")) {
                    String name = l.substring("cmdstat_".length(), l.indexOf(':'));
                    int at = l.indexOf("calls=") + "calls=".length();
                    int end = l.indexOf(',', at);
                    long n = Long.parseLong(end < 0 ? l.substring(at) : l.substring(at, end));
                    if (!name.equals("info")) {
                        calls.put(name, n);
                    }
                }
            }
            return calls;
        }
    }

    /** after - before, per command, those that moved. */
    static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> d = new LinkedHashMap<>();
        after.forEach((k, v) -> {
            long n = v - before.getOrDefault(k, 0L);
            if (n != 0) {
                d.put(k, n);
            }
        });
        return d;
    }

    /**
     * {@code MONITOR} on a connection of its own while open: every command Redis processes, counted by name, those
     * sent by clients (one round trip each) apart from those a Lua script ran (shown as {@code [0 lua]}). It costs
     * Redis and this JVM a line per command: for a pass of its own, not a measured cell.
     */
    static final class Monitor implements AutoCloseable {
        private final Socket socket;
        private final Thread reader;
        private final Map<String, Long> clients = new TreeMap<>();
        private final Map<String, Long> scripts = new TreeMap<>();

        Monitor(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.getOutputStream().write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            String ok = line(in);
            if (!ok.equals("+OK")) {
                socket.close();
                throw new IOException("unexpected MONITOR reply: " + ok);
            }
            reader = Thread.ofPlatform().daemon().start(() -> {
                try {
                    java.io.BufferedReader lines = new java.io.BufferedReader(
                            new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
                    String l;
                    while ((l = lines.readLine()) != null) {
                        // +1700000000.123456 [0 127.0.0.1:54321] "EVALSHA" "..." ...   or   [0 lua] "hget" ...
                        int bracket = l.indexOf(']');
                        int q = l.indexOf('"', bracket);
                        if (bracket < 0 || q < 0) {
                            continue;
                        }
                        String name = l.substring(q + 1, l.indexOf('"', q + 1)).toLowerCase(java.util.Locale.ROOT);
                        Map<String, Long> to = l.substring(0, bracket).endsWith(" lua") ? scripts : clients;
                        synchronized (this) {
                            to.merge(name, 1L, Long::sum);
                        }
                    }
                } catch (IOException | RuntimeException closed) {
                    // closed
                }
            });
        }

        /** Commands sent by clients (round trips), by name. */
        synchronized Map<String, Long> clients() {
            return new TreeMap<>(clients);
        }

        /** Commands run by Lua scripts, by name. */
        synchronized Map<String, Long> scripts() {
            return new TreeMap<>(scripts);
        }

        @Override
        public void close() throws IOException {
            socket.close();
            try {
                reader.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }
}
