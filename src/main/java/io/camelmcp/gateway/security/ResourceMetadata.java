package io.camelmcp.gateway.security;

import java.io.IOException;
import java.net.URI;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728) of the MCP endpoint, served at
 * {@code /.well-known/oauth-protected-resource/mcp} (the path-suffixed form for the resource {@code …/mcp}) and at
 * {@code /.well-known/oauth-protected-resource}: which authorization servers issue tokens for the gateway, and the
 * scopes it knows. MCP clients find it from the 401's {@code resource_metadata} or by these well-known URIs.
 */
public final class ResourceMetadata extends HttpServlet {

    public static final String WELL_KNOWN = "/.well-known/oauth-protected-resource";
    /** The endpoint the metadata describes (the resource's path). */
    static final String MCP_PATH = "/mcp";

    private final transient ObjectMapper mapper = new ObjectMapper();
    /** The configured resource URL, or null (then taken from each request). */
    private final URI resource;
    private final String resourceName;
    private final List<String> authorizationServers;
    private final List<String> scopesSupported;

    public ResourceMetadata(String resource, String resourceName, List<String> authorizationServers,
                            List<String> scopesSupported) {
        this.resource = SecurityProperties.hasText(resource) ? URI.create(resource) : null;
        this.resourceName = resourceName;
        this.authorizationServers = List.copyOf(authorizationServers);
        this.scopesSupported = List.copyOf(scopesSupported);
    }

    List<String> scopesSupported() {
        return scopesSupported;
    }

    /** The resource URL: the configured one, or this request's origin with /mcp. */
    String resource(HttpServletRequest request) {
        return resource != null ? resource.toString() : origin(request) + request.getContextPath() + MCP_PATH;
    }

    /** Where the metadata of the resource is: the well-known path inserted before the resource's path (RFC 9728 §3.1). */
    String url(HttpServletRequest request) {
        if (resource != null) {
            String path = resource.getRawPath() == null ? "" : resource.getRawPath();
            return resource.getScheme() + "://" + resource.getRawAuthority() + WELL_KNOWN + (path.equals("/") ? "" : path);
        }
        return origin(request) + WELL_KNOWN + request.getContextPath() + MCP_PATH;
    }

    private static String origin(HttpServletRequest request) {
        String scheme = request.getScheme();
        int port = request.getServerPort();
        boolean standard = ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
        String host = request.getServerName();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]"; // an IPv6 literal
        }
        return scheme + "://" + host + (standard ? "" : ":" + port);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ObjectNode doc = mapper.createObjectNode();
        doc.put("resource", resource(request));
        authorizationServers.forEach(doc.putArray("authorization_servers")::add);
        if (!scopesSupported.isEmpty()) {
            scopesSupported.forEach(doc.putArray("scopes_supported")::add);
        }
        doc.putArray("bearer_methods_supported").add("header");
        doc.put("resource_name", resourceName);
        byte[] body = mapper.writeValueAsBytes(doc);
        response.setStatus(200);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "max-age=3600");
        response.setHeader("Access-Control-Allow-Origin", "*"); // public metadata, read by browser-based clients too
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
