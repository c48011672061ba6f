package io.camelmcp.gateway.endpoint;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import org.springframework.web.filter.OncePerRequestFilter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Bounds what a request to /mcp may make the gateway hold in memory, before Camel's HTTP binding reads the
 * body (it keeps a copy of it). A declared Content-Length over the limit is refused at once; a chunked body
 * is read up to the limit and refused as soon as it goes past it. Both get 413 with a JSON-RPC error. A body the
 * gateway answered without reading to its end is read after the answer, so that the connection stays usable.
 */
public class RequestSizeFilter extends OncePerRequestFilter {

    private final long maxBytes;

    public RequestSizeFilter(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!"POST".equals(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            refuse(response, declared + " bytes");
            return;
        }
        if (declared >= 0) {
            chain.doFilter(request, response); // the container stops at the declared length
            drainRest(request, response);
            return;
        }
        byte[] body = request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (body.length > maxBytes) {
            refuse(response, "more than " + maxBytes + " bytes");
            return;
        }
        chain.doFilter(new BufferedBody(request, body), response);
    }

    /**
     * What an answer given before its request's body was read (a refused session, a wrong header) left of the body,
     * read to its end after the answer went out: Jetty would otherwise close the connection after the answer
     * without a {@code Connection: close} a client could see, and the client's next request on it would fail. At
     * most the declared length, which is within the limit.
     */
    private static void drainRest(HttpServletRequest request, HttpServletResponse response) {
        try {
            ServletInputStream in = request.getInputStream();
            if (in.isFinished()) {
                return;
            }
            response.flushBuffer(); // the answer first: a slow client's rest may take a while
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IllegalStateException readAsText) {
            // read through getReader(): to its end already
        } catch (IOException gone) {
            // the client went away or broke its framing: Jetty closes the connection, nothing is left to answer
        }
    }

    private void refuse(HttpServletResponse response, String size) throws IOException {
        response.setStatus(413);
        response.setHeader("Connection", "close"); // the body is not read: the connection cannot carry another request
        response.setContentType("application/json");
        response.getOutputStream().write(("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":"
                + "\"Request body of " + size + " exceeds the gateway's limit of " + maxBytes + " bytes\"}}")
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The request with its (bounded) body already read. */
    private static final class BufferedBody extends HttpServletRequestWrapper {
        private final byte[] body;

        BufferedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            InputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override public int read() throws IOException { return in.read(); }
                @Override public int read(byte[] b, int off, int len) throws IOException { return in.read(b, off, len); }
                @Override public boolean isFinished() { return false; }
                @Override public boolean isReady() { return true; }
                @Override public void setReadListener(ReadListener listener) { throw new UnsupportedOperationException(); }
            };
        }

        @Override
        public java.io.BufferedReader getReader() {
            String charset = getCharacterEncoding();
            return new java.io.BufferedReader(new java.io.InputStreamReader(new ByteArrayInputStream(body),
                    charset == null ? StandardCharsets.UTF_8 : java.nio.charset.Charset.forName(charset)));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
