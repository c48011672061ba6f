package io.camelmcp.gateway.upstream;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.camelmcp.gateway.registry.ServerRegistration;
import io.camelmcp.gateway.registry.UpstreamTransport;
import io.camelmcp.gateway.session.ClientContext;

/**
 * stdio servers: one process per upstream session (a stdio server serves exactly one client, whose initialize it
 * answers once), supervised. A client's session is refused once the server runs its {@code maxProcesses} (the
 * gateway's own sessions, one per catalogue view, start regardless).
 * A process that exits unasked is a crash: its sessions end (their next message gets a 404 and the gateway starts a
 * new session, so a new process), and the next start of that server waits, doubling from
 * {@value #FIRST_BACKOFF_MS} ms up to {@value #MAX_BACKOFF_MS} ms while crashes follow each other, back to none once a
 * process has run {@value #STABLE_SECONDS} s. Its stderr goes to the log, a line at a time, under the logger
 * {@code mcp.stdio.<server>}.
 */
final class StdioLinks implements Bridge.Links {

    private static final Logger LOG = LoggerFactory.getLogger(StdioLinks.class);

    static final long FIRST_BACKOFF_MS = 500;
    static final long MAX_BACKOFF_MS = 30_000;
    static final long STABLE_SECONDS = 30;
    /** How long a process closed by the gateway gets to exit after its stdin closed, then after SIGTERM. */
    private static final long GRACE_MS = 2_000;

    /** Per server: processes running, crashes in a row, when the next may start. */
    private static final class Supervision {
        int running;
        /** Of those, the ones started for clients' sessions (what maxProcesses bounds). */
        int forClients;
        int crashes;
        long notBefore;
    }

    private final Map<String, Supervision> servers = new ConcurrentHashMap<>();
    private final Map<Process, Boolean> processes = new ConcurrentHashMap<>();

    @Override
    public Bridge.Link open(ServerRegistration server, ClientContext client, Bridge.Inbound inbound, Duration timeout)
            throws UpstreamException {
        UpstreamTransport t = server.transport();
        Supervision sv = servers.computeIfAbsent(server.name(), k -> new Supervision());
        long wait;
        synchronized (sv) {
            wait = sv.notBefore - System.currentTimeMillis();
        }
        if (wait > 0) {
            if (wait > timeout.toMillis()) {
                throw new UpstreamException(server.name(), "the server's process crashed; next start in " + wait + " ms",
                        503, null);
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UpstreamException(server.name(), "interrupted", 0, e);
            }
        }
        synchronized (sv) {
            // the bound is on clients' sessions; the gateway's own (one per catalogue view, a few) always start
            if (client != null && sv.forClients >= t.maxProcesses()) {
                throw UpstreamException.busy(server.name(), "Too Many Requests: MCP server '" + server.name()
                        + "' already runs " + sv.forClients + " processes for clients (one per session), its "
                        + "max-processes; retry when a session ends", t.maxProcesses());
            }
            sv.running++;
            if (client != null) {
                sv.forClients++;
            }
        }
        ProcessBuilder pb = new ProcessBuilder(t.command());
        pb.environment().putAll(t.env());
        if (t.workingDir() != null) {
            pb.directory(new java.io.File(t.workingDir()));
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException | RuntimeException e) {
            exited(sv, client != null, false, 0);
            throw new UpstreamException(server.name(), "cannot start " + t.command().get(0) + ": " + e.getMessage(), 0, e);
        }
        processes.put(p, Boolean.TRUE);
        LOG.debug("Started stdio server '{}' (pid {})", server.name(), p.pid());
        Proc link = new Proc(server.name(), p, inbound, sv, client != null);
        Thread.ofVirtual().name("stdio-out-" + server.name()).start(link::readStdout);
        Thread.ofVirtual().name("stdio-err-" + server.name()).start(link::readStderr);
        return link;
    }

    private void exited(Supervision sv, boolean forClient, boolean asked, long ranMs) {
        synchronized (sv) {
            sv.running--;
            if (forClient) {
                sv.forClients--;
            }
            if (asked) {
                return;
            }
            sv.crashes = ranMs >= STABLE_SECONDS * 1000 ? 1 : sv.crashes + 1;
            long backoff = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(16, sv.crashes - 1));
            sv.notBefore = System.currentTimeMillis() + backoff;
        }
    }

    /** Processes of {@code server} running now. */
    int running(String server) {
        Supervision sv = servers.get(server);
        if (sv == null) {
            return 0;
        }
        synchronized (sv) {
            return sv.running;
        }
    }

    @Override
    public void close() {
        for (Process p : processes.keySet()) {
            p.destroy();
        }
    }

    /** One process: stdin is where messages go, stdout where they come from, a line each. */
    private final class Proc implements Bridge.Link {
        private final String server;
        private final Process process;
        private final Bridge.Inbound inbound;
        private final Supervision sv;
        private final boolean forClient;
        private final long started = System.currentTimeMillis();
        private final OutputStream stdin;
        private final AtomicBoolean asked = new AtomicBoolean();
        private final Logger stderr;

        Proc(String server, Process process, Bridge.Inbound inbound, Supervision sv, boolean forClient) {
            this.server = server;
            this.forClient = forClient;
            this.process = process;
            this.inbound = inbound;
            this.sv = sv;
            this.stdin = process.getOutputStream();
            this.stderr = LoggerFactory.getLogger("mcp.stdio." + server);
        }

        @Override
        public void send(byte[] message) throws IOException {
            if (!process.isAlive()) {
                throw new Bridge.LinkGone("the stdio server's process exited with code " + process.exitValue());
            }
            try {
                synchronized (stdin) { // one writer at a time: lines must not interleave
                    stdin.write(message);
                    stdin.write('\n');
                    stdin.flush();
                }
            } catch (IOException e) { // a closed pipe: the process is gone or going; its exit code says more
                try {
                    if (process.waitFor(500, TimeUnit.MILLISECONDS)) {
                        throw new Bridge.LinkGone("the stdio server's process exited with code " + process.exitValue());
                    }
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                throw new Bridge.LinkGone("the process's stdin is closed (" + e.getMessage() + ")");
            }
        }

        void readStdout() {
            try (InputStream out = process.getInputStream()) {
                ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
                boolean tooLong = false;
                int c;
                byte[] buf = new byte[8192];
                int n;
                while ((n = out.read(buf)) >= 0) {
                    for (int i = 0; i < n; i++) {
                        c = buf[i];
                        if (c == '\n') {
                            if (tooLong) {
                                LOG.warn("stdio server '{}' wrote a line longer than {} bytes; dropped", server,
                                        UpstreamReply.MAX_MESSAGE_BYTES);
                            } else if (line.size() > 0) {
                                deliver(line.toByteArray());
                            }
                            line.reset();
                            tooLong = false;
                        } else if (!tooLong) {
                            if (line.size() >= UpstreamReply.MAX_MESSAGE_BYTES) {
                                tooLong = true;
                                line.reset();
                            } else {
                                line.write(c);
                            }
                        }
                    }
                }
            } catch (IOException e) {
                LOG.debug("stdio server '{}': stdout ended: {}", server, e.toString());
            } finally {
                ended();
            }
        }

        private void deliver(byte[] line) {
            int start = 0;
            while (start < line.length && (line[start] == ' ' || line[start] == '\t' || line[start] == '\r')) {
                start++;
            }
            if (start < line.length && line[start] == '{') {
                inbound.message(line);
            } else if (start < line.length) { // a server that prints to stdout: say so, it is not the protocol
                stderr.warn("(stdout, not JSON-RPC) {}", new String(line, StandardCharsets.UTF_8).strip());
            }
        }

        void readStderr() {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                    if (!line.isBlank()) {
                        stderr.info("{}", line.length() > 4096 ? line.substring(0, 4096) + "…" : line);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }

        private void ended() {
            int code;
            try {
                if (!process.waitFor(GRACE_MS, TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly(); // stdout closed but the process lingers
                    process.waitFor(GRACE_MS, TimeUnit.MILLISECONDS);
                }
                code = process.isAlive() ? -1 : process.exitValue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                code = -1;
            }
            processes.remove(process);
            long ran = System.currentTimeMillis() - started;
            boolean byUs = asked.get();
            exited(sv, forClient, byUs, ran);
            String why = "the stdio server's process exited with code " + code;
            if (!byUs) {
                LOG.warn("stdio server '{}' (pid {}) exited with code {} after {} ms; its session ended, the next "
                        + "starts a new process", server, process.pid(), code, ran);
            }
            inbound.closed(why);
        }

        /** Closes stdin, then SIGTERM, then SIGKILL, each after a grace period: the MCP stdio shutdown sequence. */
        @Override
        public void close() {
            if (!asked.compareAndSet(false, true)) {
                return;
            }
            Thread.ofVirtual().name("stdio-stop-" + server).start(() -> {
                // closing stdin flushes, which blocks while a writer is stuck on a process that reads no more: on a
                // thread of its own, so that the signals below come whatever it does
                Thread.ofVirtual().name("stdio-stdin-" + server).start(() -> {
                    try {
                        stdin.close();
                    } catch (IOException e) {
                        // the process is gone
                    }
                });
                try {
                    if (!process.waitFor(GRACE_MS, TimeUnit.MILLISECONDS)) {
                        process.destroy();
                        if (!process.waitFor(GRACE_MS, TimeUnit.MILLISECONDS)) {
                            process.destroyForcibly();
                        }
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                }
            });
        }
    }
}
