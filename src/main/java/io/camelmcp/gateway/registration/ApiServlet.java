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
 * for a body over the limit (checked before the body is read, also when it is chunked).
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
            boolean pathKnown = getServletResolveConsumerStrategy().isHttpMethodAllowed(request, "GET", consumers)
                    || getServletResolveConsumerStrategy().isHttpMethodAllowed(request, "POST", consumers)
                    || getServletResolveConsumerStrategy().isHttpMethodAllowed(request, "PUT", consumers)
                    || getServletResolveConsumerStrategy().isHttpMethodAllowed(request, "DELETE", consumers);
            if (pathKnown) {
                problem(request, response, 405, "Method Not Allowed", request.getMethod() + " is not allowed on "
                        + request.getRequestURI());
            } else {
                problem(request, response, 404, "Not Found", "no such API path: " + request.getRequestURI()
                        + " (see /api/v1/openapi.json)");
            }
            return;
        }
        if (request.getContentLengthLong() > MAX_BODY) {
            problem(request, response, 413, "Content Too Large", "the body may be at most " + MAX_BODY / 1024 + " KiB");
            return;
        }
        Bounded bounded = new Bounded(request);
        super.service(bounded, response);
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

    /** The request with its body cut at {@link #MAX_BODY}: past it, reading fails (answered 413). */
    private static final class Bounded extends HttpServletRequestWrapper {
        private ServletInputStream in;

        Bounded(HttpServletRequest request) {
            super(request);
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (in == null) {
                ServletInputStream raw = super.getInputStream();
                in = new ServletInputStream() {
                    private long read;

                    @Override
                    public int read() throws IOException {
                        int b = raw.read();
                        if (b >= 0 && ++read > MAX_BODY) {
                            throw tooLarge();
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] buf, int off, int len) throws IOException {
                        int n = raw.read(buf, off, len);
                        if (n > 0 && (read += n) > MAX_BODY) {
                            throw tooLarge();
                        }
                        return n;
                    }

                    @Override
                    public boolean isFinished() { return raw.isFinished(); }

                    @Override
                    public boolean isReady() { return raw.isReady(); }

                    @Override
                    public void setReadListener(ReadListener listener) { raw.setReadListener(listener); }
                };
            }
            return in;
        }

        private static IOException tooLarge() {
            LOG.debug("A registration API body went past {} bytes", MAX_BODY);
            return new TooLarge();
        }
    }

    /** A body read past {@link #MAX_BODY}: answered 413 by the routes' error handler. */
    static final class TooLarge extends IOException {
        TooLarge() {
            super("the body may be at most " + MAX_BODY / 1024 + " KiB", null);
        }
    }


}
