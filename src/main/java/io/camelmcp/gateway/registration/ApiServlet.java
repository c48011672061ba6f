package io.camelmcp.gateway.registration;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import org.apache.camel.http.common.CamelServlet;
import org.apache.camel.http.common.HttpConsumer;
import org.apache.camel.http.common.HttpRegistry;
import org.apache.camel.http.common.HttpRestServletResolveConsumerStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The servlet behind {@code /api/v1/*}, where registration-api.yaml's rest DSL consumers are served. Camel's servlet
 * component connects every {@code servlet:} consumer to each servlet of its registry; this one takes only the rest
 * consumers (never {@code /mcp}'s), and answers what no consumer takes as problem+json rather than Tomcat's error page:
 * 404 for an unknown path (and for every path while the API is off), 405 for a known path with another method, 413
 * for a body over the limit (read here, bounded, also when it is chunked). Answers never carry the request's headers.
 */
public class ApiServlet extends CamelServlet {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServlet.class);
    /** Registrations are small; an unauthenticated caller must not make the gateway hold megabytes. */
    static final int MAX_BODY = 64 * 1024;

    private final ApiKeys keys;
    private final String mcpPath;
    private final ObjectMapper mapper;

    public ApiServlet(HttpRegistry registry, ApiKeys keys, String mcpPath, ObjectMapper mapper) {
        this.keys = keys;
        this.mcpPath = mcpPath;
        this.mapper = mapper;
        registry.register(this);
    }

    @Override
    public void init(ServletConfig config) throws ServletException {
        super.init(config);
        HttpRestServletResolveConsumerStrategy byPath = new HttpRestServletResolveConsumerStrategy();
        setServletResolveConsumerStrategy(new org.apache.camel.http.common.ServletResolveConsumerStrategy() {
            @Override
            public HttpConsumer resolve(HttpServletRequest request, Map<String, HttpConsumer> consumers) {
                return byPath.resolve(request, ours(consumers));
            }

            @Override
            public boolean isHttpMethodAllowed(HttpServletRequest request, String method, Map<String, HttpConsumer> consumers) {
                return byPath.isHttpMethodAllowed(request, method, ours(consumers));
            }
        });
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) {
        try {
            answer(request, response);
        } catch (IOException e) {
            LOG.debug("Client gone while answered: {}", e.toString());
        }
    }

    private void answer(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!keys.enabled()) {
            problem(request, response, 404, "Not Found", "the registration API is off: no mcp.gateway.registration.api-keys is set");
            return;
        }
        Map<String, HttpConsumer> consumers = ours(getConsumers());
        if (getServletResolveConsumerStrategy().resolve(request, consumers) == null) {
            boolean pathKnown = java.util.stream.Stream.of("GET", "POST", "PUT", "DELETE")
                    .anyMatch(m -> getServletResolveConsumerStrategy().isHttpMethodAllowed(request, m, consumers));
            if (pathKnown) {
                problem(request, response, 405, "Method Not Allowed", request.getMethod() + " is not allowed on "
                        + request.getRequestURI());
            } else {
                problem(request, response, 404, "Not Found", "no such API path: " + request.getRequestURI()
                        + " (see /api/v1/openapi.json)");
            }
            return;
        }
        // read here, bounded, also when chunked: Camel's binding reads the body outside the routes' error handling
        byte[] body = request.getContentLengthLong() > MAX_BODY ? null : request.getInputStream().readNBytes(MAX_BODY + 1);
        if (body == null || body.length > MAX_BODY) {
            problem(request, response, 413, "Content Too Large", "the body may be at most " + MAX_BODY / 1024 + " KiB");
            return;
        }
        super.service(new Buffered(request, body), new NoEcho(request, response));
    }

    /** The consumers of this servlet's rest routes: every one but the MCP endpoint's. */
    private Map<String, HttpConsumer> ours(Map<String, HttpConsumer> consumers) {
        Map<String, HttpConsumer> out = new HashMap<>(consumers.size());
        consumers.forEach((k, c) -> {
            if (!mcpPath.equals(c.getPath())) {
                out.put(k, c);
            }
        });
        return out;
    }

    private void problem(HttpServletRequest request, HttpServletResponse response, int status, String title, String detail)
            throws IOException {
        Map<String, Object> body = new Problem(status, title, detail, null, null).body(request.getRequestURI());
        byte[] bytes = mapper.writeValueAsBytes(body);
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** The request with its body already read. */
    private static final class Buffered extends HttpServletRequestWrapper {
        private final byte[] body;
        private ServletInputStream in;

        Buffered(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            if (in == null) {
                java.io.ByteArrayInputStream bytes = new java.io.ByteArrayInputStream(body);
                in = new ServletInputStream() {
                    @Override
                    public int read() {
                        return bytes.read();
                    }

                    @Override
                    public int read(byte[] buf, int off, int len) {
                        return bytes.read(buf, off, len);
                    }

                    @Override
                    public boolean isFinished() { return bytes.available() == 0; }

                    @Override
                    public boolean isReady() { return true; }

                    @Override
                    public void setReadListener(ReadListener listener) {
                        throw new IllegalStateException("the body is already read");
                    }
                };
            }
            return in;
        }

        @Override
        public java.io.BufferedReader getReader() {
            return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(),
                    getCharacterEncoding() == null ? java.nio.charset.StandardCharsets.UTF_8
                            : java.nio.charset.Charset.forName(getCharacterEncoding())));
        }
    }

    /**
     * The response without the request's own headers: Camel's HTTP binding writes every header of the message into
     * the answer, and the request's include its API key or token (the beans clear them; the OpenAPI route does not).
     */
    private static final class NoEcho extends jakarta.servlet.http.HttpServletResponseWrapper {
        private final java.util.Set<String> requestHeaders = new java.util.HashSet<>();

        NoEcho(HttpServletRequest request, HttpServletResponse response) {
            super(response);
            for (java.util.Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements(); ) {
                requestHeaders.add(names.nextElement().toLowerCase(java.util.Locale.ROOT));
            }
            requestHeaders.remove("content-type");
            requestHeaders.remove("content-length");
        }

        private boolean echo(String name) {
            return name != null && requestHeaders.contains(name.toLowerCase(java.util.Locale.ROOT));
        }

        @Override
        public void setHeader(String name, String value) {
            if (!echo(name)) {
                super.setHeader(name, value);
            }
        }

        @Override
        public void addHeader(String name, String value) {
            if (!echo(name)) {
                super.addHeader(name, value);
            }
        }
    }
}
