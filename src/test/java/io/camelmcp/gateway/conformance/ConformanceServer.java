package io.camelmcp.gateway.conformance;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.catalina.startup.Tomcat;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncCompletionSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.AudioContent;
import io.modelcontextprotocol.spec.McpSchema.BlobResourceContents;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.CompleteResult;
import io.modelcontextprotocol.spec.McpSchema.CompleteResult.CompleteCompletion;
import io.modelcontextprotocol.spec.McpSchema.Content;
import io.modelcontextprotocol.spec.McpSchema.CreateMessageRequest;
import io.modelcontextprotocol.spec.McpSchema.CreateMessageResult;
import io.modelcontextprotocol.spec.McpSchema.ElicitRequest;
import io.modelcontextprotocol.spec.McpSchema.ElicitResult;
import io.modelcontextprotocol.spec.McpSchema.EmbeddedResource;
import io.modelcontextprotocol.spec.McpSchema.GetPromptResult;
import io.modelcontextprotocol.spec.McpSchema.ImageContent;
import io.modelcontextprotocol.spec.McpSchema.LoggingLevel;
import io.modelcontextprotocol.spec.McpSchema.LoggingMessageNotification;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.Prompt;
import io.modelcontextprotocol.spec.McpSchema.PromptArgument;
import io.modelcontextprotocol.spec.McpSchema.PromptMessage;
import io.modelcontextprotocol.spec.McpSchema.PromptReference;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.Resource;
import io.modelcontextprotocol.spec.McpSchema.ResourceTemplate;
import io.modelcontextprotocol.spec.McpSchema.Role;
import io.modelcontextprotocol.spec.McpSchema.SamplingMessage;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import io.modelcontextprotocol.spec.McpSchema.Tool;

/**
 * The fixture server of the official MCP conformance suite ({@code @modelcontextprotocol/conformance}, server
 * scenarios), built with the official MCP Java SDK: stateful Streamable HTTP at {@code /mcp} on an embedded Tomcat
 * bound to the loopback interface, with every tool, prompt, resource, template and completion the scenarios ask for,
 * and DNS-rebinding protection (only {@code localhost}, {@code 127.0.0.1} and {@code [::1]} hosts and origins pass).
 */
public final class ConformanceServer implements AutoCloseable {

    /** 1x1 red pixel. */
    static final String PNG =
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

    /** A tiny WAV file (one 16-bit sample, 8 kHz mono). */
    static final String WAV = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

    private static final Map<String, Object> NO_ARGS = Map.of("type", "object", "properties", Map.of());

    private static final Pattern TEMPLATE_URI = Pattern.compile("^test://template/([^/]+)/data$");

    private final Tomcat tomcat;
    private final McpSyncServer server;
    private final int port;

    private ConformanceServer(Tomcat tomcat, McpSyncServer server, int port) {
        this.tomcat = tomcat;
        this.server = server;
        this.port = port;
    }

    /** Starts the fixture on {@code port} (0 picks a free one), bound to 127.0.0.1. */
    public static ConformanceServer start(int port) throws Exception {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(McpJsonDefaults.getMapper())
                .mcpEndpoint("/mcp")
                .securityValidator(DefaultServerTransportSecurityValidator.builder()
                        .allowedHosts(List.of("localhost:*", "127.0.0.1:*", "[::1]:*"))
                        .allowedOrigins(List.of("http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"))
                        .build())
                .build();

        McpSyncServer server = McpServer.sync(transport)
                .serverInfo("camel-mcp-conformance-fixture", "1.0.0")
                .capabilities(ServerCapabilities.builder()
                        .tools(false)
                        .resources(true, false)
                        .prompts(false)
                        .logging()
                        .completions()
                        .build())
                .requestTimeout(Duration.ofSeconds(60))
                .tools(tools())
                .resources(resources())
                .resourceTemplates(resourceTemplates())
                .prompts(prompts())
                .completions(completions())
                .build();

        Tomcat tomcat;
        try {
            tomcat = serve(transport, port);
        } catch (Exception e) {
            server.close();
            throw e;
        }
        return new ConformanceServer(tomcat, server, tomcat.getConnector().getLocalPort());
    }

    public String url() {
        return "http://localhost:" + port + "/mcp";
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (Exception ignored) {
            // best effort
        }
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (Exception ignored) {
            // already stopping
        }
    }

    /** Runs the fixture standalone: {@code ConformanceServer [port]}; stops when the process is killed. */
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        ConformanceServer fixture = start(port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            fixture.close();
            stopped.countDown();
        }, "conformance-server-shutdown"));
        System.out.println("conformance server listening on port " + fixture.port());
        System.out.flush();
        stopped.await();
    }

    // ------------------------------------------------------------------ hosting

    private static Tomcat serve(jakarta.servlet.Servlet servlet, int port) throws Exception {
        return io.camelmcp.gateway.support.FixtureServer.serve("conformance", servlet, port);
    }

    // ------------------------------------------------------------------ tools

    private static SyncToolSpecification tool(String name, String description, Map<String, Object> inputSchema,
                                              BiFunction<McpSyncServerExchange, CallToolRequest, CallToolResult> handler) {
        return SyncToolSpecification.builder()
                .tool(Tool.builder().name(name).description(description).inputSchema(inputSchema).build())
                .callHandler(handler)
                .build();
    }

    private static CallToolResult result(Content... content) {
        return CallToolResult.builder().content(List.of(content)).isError(false).build();
    }

    private static TextContent text(String text) {
        return new TextContent(text);
    }

    private static Map<String, Object> oneStringArg(String name, String description) {
        return Map.of("type", "object",
                "properties", Map.of(name, Map.of("type", "string", "description", description)),
                "required", List.of(name));
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String stringArg(CallToolRequest req, String name, String fallback) {
        Object v = req.arguments() == null ? null : req.arguments().get(name);
        return v == null ? fallback : v.toString();
    }

    static List<SyncToolSpecification> tools() {
        return List.of(
                tool("test_simple_text", "Returns a simple text response", NO_ARGS,
                        (ex, req) -> result(text("This is a simple text response for testing."))),

                tool("test_image_content", "Returns a 1x1 PNG image", NO_ARGS,
                        (ex, req) -> result(new ImageContent(null, PNG, "image/png"))),

                tool("test_audio_content", "Returns a tiny WAV audio clip", NO_ARGS,
                        (ex, req) -> result(new AudioContent(null, WAV, "audio/wav"))),

                tool("test_embedded_resource", "Returns an embedded text resource", NO_ARGS,
                        (ex, req) -> result(new EmbeddedResource(null, new TextResourceContents(
                                "test://embedded-resource", "text/plain", "This is an embedded resource content.")))),

                tool("test_multiple_content_types", "Returns text, image and embedded resource content", NO_ARGS,
                        (ex, req) -> result(
                                text("Multiple content types test:"),
                                new ImageContent(null, PNG, "image/png"),
                                new EmbeddedResource(null, new TextResourceContents("test://mixed-content-resource",
                                        "application/json", "{\"test\":\"data\",\"value\":123}")))),

                tool("test_tool_with_logging", "Sends three log notifications while it runs", NO_ARGS,
                        (ex, req) -> {
                            for (String msg : List.of("Tool execution started", "Tool processing data",
                                    "Tool execution completed")) {
                                ex.loggingNotification(LoggingMessageNotification.builder()
                                        .level(LoggingLevel.INFO).logger("test_tool_with_logging").data(msg).build());
                                pause(50);
                            }
                            return result(text("Tool with logging executed successfully"));
                        }),

                tool("test_error_handling", "Always returns a tool error", NO_ARGS,
                        (ex, req) -> CallToolResult.builder()
                                .addTextContent("This tool intentionally returns an error for testing")
                                .isError(true)
                                .build()),

                tool("test_tool_with_progress", "Reports progress 0, 50, 100 before answering", NO_ARGS,
                        (ex, req) -> {
                            Object token = req.progressToken();
                            if (token != null) {
                                for (double p : new double[] {0, 50, 100}) {
                                    ex.progressNotification(new ProgressNotification(token, p, 100.0,
                                            "Completed step " + (int) p + " of 100"));
                                    pause(50);
                                }
                            }
                            return result(text(token != null ? "Progress test completed"
                                    : "Progress test completed (no progress token)"));
                        }),

                tool("test_sampling", "Asks the client to sample an LLM with the given prompt",
                        oneStringArg("prompt", "The prompt to send to the LLM"),
                        (ex, req) -> {
                            String prompt = stringArg(req, "prompt", "");
                            CreateMessageResult answer = ex.createMessage(CreateMessageRequest.builder()
                                    .messages(List.of(new SamplingMessage(Role.USER, text(prompt))))
                                    .maxTokens(100)
                                    .build());
                            String reply = answer.content() instanceof TextContent t ? t.text()
                                    : String.valueOf(answer.content());
                            return result(text("LLM response: " + reply));
                        }),

                tool("test_elicitation", "Asks the user for a username and an email",
                        oneStringArg("message", "The message to show the user"),
                        (ex, req) -> {
                            String message = stringArg(req, "message", "Please provide your information");
                            Map<String, Object> schema = Map.of("type", "object",
                                    "properties", Map.of(
                                            "username", Map.of("type", "string", "description", "Your username"),
                                            "email", Map.of("type", "string", "description", "Your email address")),
                                    "required", List.of("username", "email"));
                            ElicitResult answer = ex.createElicitation(ElicitRequest.builder(message, schema).build());
                            return result(text("User response: " + describe(answer)));
                        }),

                tool("test_elicitation_sep1034_defaults", "Elicitation whose schema has a default for every primitive type",
                        NO_ARGS,
                        (ex, req) -> {
                            Map<String, Object> props = new LinkedHashMap<>();
                            props.put("name", Map.of("type", "string", "description", "User name",
                                    "default", "John Doe"));
                            props.put("age", Map.of("type", "integer", "description", "User age",
                                    "default", 30));
                            props.put("score", Map.of("type", "number", "description", "User score",
                                    "default", 95.5));
                            props.put("status", Map.of("type", "string", "description", "User status",
                                    "enum", List.of("active", "inactive", "pending"), "default", "active"));
                            props.put("verified", Map.of("type", "boolean", "description", "Verification status",
                                    "default", true));
                            ElicitResult answer = ex.createElicitation(ElicitRequest.builder(
                                    "Please review and update the form fields with defaults",
                                    Map.of("type", "object", "properties", props)).build());
                            return result(text("Elicitation completed: " + describe(answer)));
                        }),

                tool("test_elicitation_sep1330_enums", "Elicitation with every enum shape of SEP-1330", NO_ARGS,
                        (ex, req) -> {
                            Map<String, Object> props = new LinkedHashMap<>();
                            props.put("untitledSingle", Map.of("type", "string", "description", "Untitled single select",
                                    "enum", List.of("option1", "option2", "option3")));
                            props.put("titledSingle", Map.of("type", "string", "description", "Titled single select",
                                    "oneOf", List.of(
                                            Map.of("const", "value1", "title", "First Option"),
                                            Map.of("const", "value2", "title", "Second Option"),
                                            Map.of("const", "value3", "title", "Third Option"))));
                            props.put("legacyEnum", Map.of("type", "string", "description", "Legacy titled enum",
                                    "enum", List.of("opt1", "opt2", "opt3"),
                                    "enumNames", List.of("Option One", "Option Two", "Option Three")));
                            props.put("untitledMulti", Map.of("type", "array", "description", "Untitled multi select",
                                    "minItems", 1, "maxItems", 3,
                                    "items", Map.of("type", "string", "enum", List.of("option1", "option2", "option3"))));
                            props.put("titledMulti", Map.of("type", "array", "description", "Titled multi select",
                                    "minItems", 1, "maxItems", 3,
                                    "items", Map.of("anyOf", List.of(
                                            Map.of("const", "value1", "title", "First Choice"),
                                            Map.of("const", "value2", "title", "Second Choice"),
                                            Map.of("const", "value3", "title", "Third Choice")))));
                            ElicitResult answer = ex.createElicitation(ElicitRequest.builder(
                                    "Please pick from the enum fields",
                                    Map.of("type", "object", "properties", props)).build());
                            return result(text("Elicitation completed: " + describe(answer)));
                        }),

                tool("json_schema_2020_12_tool", "Tool whose input schema uses JSON Schema 2020-12 features",
                        jsonSchema202012(),
                        (ex, req) -> result(text("JSON Schema 2020-12 tool called with " + req.arguments()))),

                tool("test_reconnection", "Answers after a short pause (SSE reconnection test)", NO_ARGS,
                        (ex, req) -> {
                            pause(100);
                            return result(text("Reconnection test completed successfully"));
                        }));
    }

    private static String describe(ElicitResult answer) {
        return "action=" + answer.action().name().toLowerCase(Locale.ROOT) + ", content=" + answer.content();
    }

    private static Map<String, Object> jsonSchema202012() {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("$schema", McpSchema.JSON_SCHEMA_DIALECT_2020_12);
        schema.put("type", "object");
        schema.put("$defs", Map.of("address", Map.of("type", "object", "properties", Map.of(
                "street", Map.of("type", "string"),
                "city", Map.of("type", "string")))));
        schema.put("properties", Map.of(
                "name", Map.of("type", "string"),
                "address", Map.of("$ref", "#/$defs/address")));
        schema.put("additionalProperties", false);
        return schema;
    }

    // ------------------------------------------------------------------ resources

    private static SyncResourceSpecification resource(String uri, String name, String description, String mimeType,
                                                      BiFunction<McpSyncServerExchange, McpSchema.ReadResourceRequest, ReadResourceResult> handler) {
        return new SyncResourceSpecification(
                Resource.builder().uri(uri).name(name).description(description).mimeType(mimeType).build(), handler);
    }

    static List<SyncResourceSpecification> resources() {
        return List.of(
                resource("test://static-text", "static-text", "A static text resource", "text/plain",
                        (ex, req) -> new ReadResourceResult(List.of(new TextResourceContents(req.uri(), "text/plain",
                                "This is the content of the static text resource.")))),
                resource("test://static-binary", "static-binary", "A static binary resource (PNG)", "image/png",
                        (ex, req) -> new ReadResourceResult(List.of(
                                new BlobResourceContents(req.uri(), "image/png", PNG)))),
                resource("test://watched-resource", "watched-resource", "A resource that can be subscribed to",
                        "text/plain",
                        (ex, req) -> new ReadResourceResult(List.of(new TextResourceContents(req.uri(), "text/plain",
                                "Watched resource content")))));
    }

    static List<SyncResourceTemplateSpecification> resourceTemplates() {
        return List.of(new SyncResourceTemplateSpecification(
                ResourceTemplate.builder()
                        .uriTemplate("test://template/{id}/data")
                        .name("template-data")
                        .description("Data for a given id")
                        .mimeType("application/json")
                        .build(),
                (ex, req) -> {
                    Matcher m = TEMPLATE_URI.matcher(req.uri());
                    String id = m.matches() ? m.group(1) : "unknown";
                    String json = "{\"id\":\"" + id + "\",\"templateTest\":true,\"data\":\"Data for ID: " + id + "\"}";
                    return new ReadResourceResult(List.of(new TextResourceContents(req.uri(), "application/json", json)));
                }));
    }

    // ------------------------------------------------------------------ prompts and completions

    private static String promptArg(McpSchema.GetPromptRequest req, String name) {
        Object v = req.arguments() == null ? null : req.arguments().get(name);
        return v == null ? "" : v.toString();
    }

    static List<SyncPromptSpecification> prompts() {
        return List.of(
                new SyncPromptSpecification(
                        new Prompt("test_simple_prompt", "A simple prompt without arguments", List.of()),
                        (ex, req) -> new GetPromptResult("A simple prompt", List.of(
                                new PromptMessage(Role.USER, text("This is a simple prompt for testing."))))),

                new SyncPromptSpecification(
                        new Prompt("test_prompt_with_arguments", "A prompt with two required arguments", List.of(
                                new PromptArgument("arg1", "First test argument", true),
                                new PromptArgument("arg2", "Second test argument", true))),
                        (ex, req) -> new GetPromptResult("A prompt with arguments", List.of(
                                new PromptMessage(Role.USER, text("Prompt with arguments: arg1='"
                                        + promptArg(req, "arg1") + "', arg2='" + promptArg(req, "arg2") + "'"))))),

                new SyncPromptSpecification(
                        new Prompt("test_prompt_with_embedded_resource", "A prompt that embeds a resource", List.of(
                                new PromptArgument("resourceUri", "URI of the resource to embed", true))),
                        (ex, req) -> {
                            String uri = promptArg(req, "resourceUri");
                            return new GetPromptResult("A prompt with an embedded resource", List.of(
                                    new PromptMessage(Role.USER, new EmbeddedResource(null, new TextResourceContents(
                                            uri.isEmpty() ? "test://example-resource" : uri, "text/plain",
                                            "Embedded resource content for testing."))),
                                    new PromptMessage(Role.USER, text("Please process the embedded resource above."))));
                        }),

                new SyncPromptSpecification(
                        new Prompt("test_prompt_with_image", "A prompt that contains an image", List.of()),
                        (ex, req) -> new GetPromptResult("A prompt with an image", List.of(
                                new PromptMessage(Role.USER, new ImageContent(null, PNG, "image/png")),
                                new PromptMessage(Role.USER, text("Please analyze the image above."))))));
    }

    static List<SyncCompletionSpecification> completions() {
        List<String> candidates = List.of("paris", "park", "party", "test", "testValue1", "testValue2");
        return List.of(new SyncCompletionSpecification(new PromptReference("test_prompt_with_arguments"),
                (ex, req) -> {
                    String prefix = req.argument() == null || req.argument().value() == null ? ""
                            : req.argument().value();
                    List<String> values = candidates.stream().filter(c -> c.startsWith(prefix)).toList();
                    return new CompleteResult(new CompleteCompletion(values, values.size(), false));
                }));
    }
}
