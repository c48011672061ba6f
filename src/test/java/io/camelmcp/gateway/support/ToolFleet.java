package io.camelmcp.gateway.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;

/**
 * Many MCP servers (MCP Java SDK, Streamable HTTP) in one embedded Tomcat, each at {@code /<name>/mcp} with tools of
 * its own domain (issues, calendars, invoices, weather...): each the usual list / get / create / update / delete /
 * search of its kind of record, plus one or two of its own, with titles, descriptions and input schemas of the length
 * real servers have. A catalogue of a few hundred plausible tools for tool discovery to search and to measure, started
 * in well under a second. A call answers "&lt;tool&gt; done".
 */
public final class ToolFleet implements AutoCloseable {

    /** A server: its name (also its prefix, with "_"), what it keeps, where, two fields, and its own tools. */
    private record Domain(String name, String entity, String entities, String where, String[][] fields, String[][] extra) {}

    private static Domain d(String name, String entity, String entities, String where, String fields, String extra) {
        return new Domain(name, entity, entities, where, split(fields), split(extra));
    }

    /** "a:what a is;b:what b is" as {{a, what a is}, {b, what b is}}. */
    private static String[][] split(String s) {
        if (s.isEmpty()) {
            return new String[0][];
        }
        String[] parts = s.split(";");
        String[][] out = new String[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            out[i] = parts[i].split(":", 2);
        }
        return out;
    }

    /** 49 domains; their own tools are verb_object: what it does. */
    private static final List<Domain> DOMAINS = List.of(
            d("github", "issue", "issues", "in a GitHub repository", "repo:Repository as owner/name;state:open or closed",
                    "merge_pull_request:Merges an open pull request into its base branch;add_labels:Adds labels to an issue or pull request"),
            d("gitlab", "merge request", "merge requests", "in a GitLab project", "project:Project path, e.g. group/app;target_branch:Branch it merges into",
                    "approve_merge_request:Approves a merge request as the current user"),
            d("jira", "ticket", "tickets", "in a Jira project", "project_key:The project's key, e.g. OPS;status:Workflow status",
                    "transition_ticket:Moves a ticket to another workflow status;log_work:Logs time spent on a ticket"),
            d("linear", "task", "tasks", "in a Linear team", "team:Team key;priority:0 (none) to 4 (low)",
                    "assign_task:Assigns a task to a member of the team"),
            d("slack", "message", "messages", "in a Slack channel", "channel:Channel name or id;thread_ts:Timestamp of the thread's parent",
                    "add_reaction:Adds an emoji reaction to a message;set_channel_topic:Sets the topic of a channel"),
            d("teams", "chat message", "chat messages", "in a Microsoft Teams chat", "chat_id:The chat;importance:normal, high or urgent",
                    "start_meeting:Starts an online meeting in a chat"),
            d("gmail", "email", "emails", "in a Gmail mailbox", "label:Label, e.g. INBOX;from:Sender address",
                    "send_email:Sends an email to one or more recipients;archive_email:Archives an email"),
            d("calendar", "event", "events", "in a Google Calendar", "calendar_id:The calendar;start:Start time, RFC 3339",
                    "find_free_slot:Finds a free slot for several attendees;respond_to_invitation:Accepts or declines an invitation"),
            d("drive", "file", "files", "in Google Drive", "folder_id:Parent folder;mime_type:MIME type of the file",
                    "share_file:Shares a file with people or groups;export_file:Exports a document to PDF or Office formats"),
            d("dropbox", "folder", "folders", "in a Dropbox account", "path:Path from the root;recursive:Include subfolders",
                    "create_shared_link:Creates a shared link to a file or folder"),
            d("notion", "page", "pages", "in a Notion workspace", "parent_id:Parent page or database;icon:Emoji icon",
                    "append_block:Appends a block of text, a heading or a to-do to a page"),
            d("confluence", "wiki page", "wiki pages", "in a Confluence space", "space_key:The space's key;version:Page version",
                    "add_comment:Adds a comment to a wiki page"),
            d("postgres", "row", "rows", "in a PostgreSQL table", "table:Table name;where:SQL condition",
                    "run_query:Runs a read-only SQL query and returns the rows;explain_query:Explains a SQL query's plan"),
            d("mongo", "document", "documents", "in a MongoDB collection", "collection:Collection name;filter:Query filter as JSON",
                    "aggregate:Runs an aggregation pipeline on a collection"),
            d("redis", "key", "keys", "in a Redis database", "pattern:Glob pattern;ttl:Time to live in seconds",
                    "increment_counter:Increments the integer stored at a key"),
            d("s3", "object", "objects", "in an S3 bucket", "bucket:Bucket name;prefix:Key prefix",
                    "presign_url:Creates a pre-signed URL to download an object"),
            d("k8s", "pod", "pods", "in a Kubernetes namespace", "namespace:The namespace;label_selector:Label selector, e.g. app=web",
                    "get_pod_logs:Returns the logs of a pod's container;scale_deployment:Scales a deployment to a number of replicas"),
            d("docker", "container", "containers", "on a Docker host", "image:Image reference;status:running, exited or paused",
                    "exec_in_container:Runs a command in a running container"),
            d("aws", "EC2 instance", "EC2 instances", "in an AWS region", "region:AWS region, e.g. eu-west-1;instance_type:Instance type",
                    "start_instance:Starts a stopped instance;stop_instance:Stops a running instance"),
            d("gcp", "Cloud Run service", "Cloud Run services", "in a Google Cloud project", "project_id:The project;region:Region",
                    "deploy_revision:Deploys a new revision of a service from an image"),
            d("azure", "resource group", "resource groups", "in an Azure subscription", "subscription_id:The subscription;location:Azure location",
                    "list_resources:Lists the resources of a resource group"),
            d("terraform", "workspace", "workspaces", "in a Terraform Cloud organization", "organization:Organization name;auto_apply:Apply plans automatically",
                    "plan_run:Queues a plan run for a workspace"),
            d("datadog", "monitor", "monitors", "in Datadog", "query:Monitor query;priority:1 (highest) to 5",
                    "mute_monitor:Mutes a monitor for a time;query_metrics:Queries a metric's time series"),
            d("pagerduty", "incident", "incidents", "in PagerDuty", "service_id:The affected service;urgency:high or low",
                    "acknowledge_incident:Acknowledges an incident;get_on_call:Returns who is on call for a schedule"),
            d("sentry", "error event", "error events", "in a Sentry project", "project:Project slug;environment:e.g. production",
                    "resolve_issue:Marks a Sentry issue as resolved"),
            d("grafana", "dashboard", "dashboards", "in Grafana", "folder:Dashboard folder;tags:Dashboard tags",
                    "render_panel:Renders a dashboard panel as a PNG image"),
            d("stripe", "payment", "payments", "in a Stripe account", "customer:Customer id;currency:Three-letter ISO currency code",
                    "refund_payment:Refunds a payment, wholly or in part"),
            d("invoices", "invoice", "invoices", "in the billing system", "customer_id:The customer billed;due_date:Date payment is due",
                    "add_line_item:Adds a line item with a quantity and unit price to a draft invoice;send_invoice:Sends an invoice to its customer"),
            d("sheets", "spreadsheet", "spreadsheets", "in Google Sheets", "range:A1 notation, e.g. Sheet1!B2:B9;value_input:RAW or USER_ENTERED",
                    "sum_range:Totals the values of the cells in a range;append_row:Appends a row of values to a sheet"),
            d("stats", "dataset", "datasets", "in the analytics warehouse", "schema:Warehouse schema;sample:Rows to sample",
                    "compute_mean:Computes the mean and standard deviation of a column;histogram:Buckets a column's values"),
            d("crm", "contact", "contacts", "in the CRM", "email:The contact's email;company:Company name",
                    "log_call:Logs a phone call with a contact;merge_contacts:Merges two duplicate contacts"),
            d("hubspot", "deal", "deals", "in HubSpot", "pipeline:Deal pipeline;amount:Deal amount",
                    "move_deal_stage:Moves a deal to another stage of its pipeline"),
            d("zendesk", "support ticket", "support tickets", "in Zendesk", "requester:Who asked;priority:low, normal, high or urgent",
                    "reply_to_ticket:Posts a public reply or an internal note on a ticket"),
            d("shopify", "product", "products", "in a Shopify store", "vendor:Product vendor;price:Price in the store's currency",
                    "adjust_inventory:Adjusts the stock level of a product variant"),
            d("orders", "order", "orders", "in the order management system", "customer_id:Who ordered;status:pending, shipped or delivered",
                    "cancel_order:Cancels an order not yet shipped;track_shipment:Returns the tracking events of a shipment"),
            d("weather", "forecast", "forecasts", "for a place", "city:City name;units:metric or imperial",
                    "get_current_conditions:Returns the current temperature, wind and humidity at a place"),
            d("maps", "place", "places", "on the map", "lat:Latitude;lng:Longitude",
                    "get_directions:Returns directions between two places;geocode_address:Turns an address into coordinates"),
            d("flights", "flight", "flights", "between two airports", "origin:IATA code of the departure airport;date:Departure date",
                    "book_flight:Books a seat on a flight for a passenger"),
            d("hotels", "reservation", "reservations", "at a hotel", "hotel_id:The hotel;check_in:Check-in date",
                    "check_availability:Checks the rooms free at a hotel for some dates"),
            d("spotify", "playlist", "playlists", "in a Spotify account", "owner:Playlist owner;public:Whether the playlist is public",
                    "play_track:Starts playing a track on the active device"),
            d("youtube", "video", "videos", "on a YouTube channel", "channel_id:The channel;privacy:public, unlisted or private",
                    "get_transcript:Returns the transcript of a video"),
            d("figma", "design file", "design files", "in a Figma team", "team_id:The team;page:Page of the file",
                    "export_frame:Exports a frame as PNG or SVG"),
            d("translate", "glossary", "glossaries", "for the translation service", "source_lang:Source language code;target_lang:Target language code",
                    "translate_text:Translates a text into another language;detect_language:Detects the language of a text"),
            d("search", "saved search", "saved searches", "in the web search service", "query:Search terms;market:e.g. en-US",
                    "web_search:Searches the web and returns the top results;news_search:Searches recent news articles"),
            d("vectors", "embedding collection", "embedding collections", "in the vector database", "dimension:Vector dimension;metric:cosine, dot or euclidean",
                    "similarity_search:Finds the stored vectors nearest to a query vector"),
            d("hr", "employee", "employees", "in the HR system", "department:Department name;manager_id:The employee's manager",
                    "request_time_off:Requests days off for an employee"),
            d("recruiting", "candidate", "candidates", "in the applicant tracking system", "job_id:The job applied for;stage:Interview stage",
                    "schedule_interview:Schedules an interview with a candidate"),
            d("finance", "expense report", "expense reports", "in the expense system", "employee_id:Who spent;currency:Currency code",
                    "approve_expense:Approves an expense report;convert_currency:Converts an amount from one currency to another"),
            d("iot", "device", "devices", "in the IoT hub", "site:Site name;firmware:Firmware version",
                    "send_command:Sends a command to a device;read_telemetry:Reads a device's latest telemetry"));

    private final Tomcat tomcat;
    private final List<McpSyncServer> servers;
    private final List<String> names;
    private final int port;

    private ToolFleet(Tomcat tomcat, List<McpSyncServer> servers, List<String> names, int port) {
        this.tomcat = tomcat;
        this.servers = servers;
        this.names = names;
        this.port = port;
    }

    /** The first {@code count} (at most 49) servers, started. */
    public static ToolFleet start(int count) throws Exception {
        if (count > DOMAINS.size()) {
            throw new IllegalArgumentException("at most " + DOMAINS.size() + " servers");
        }
        Path base = Files.createTempDirectory("tool-fleet");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context ctx = tomcat.addContext("", base.toString());
        List<McpSyncServer> servers = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Domain d : DOMAINS.subList(0, count)) {
            String endpoint = "/" + d.name() + "/mcp";
            HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                    .jsonMapper(McpJsonDefaults.getMapper()).mcpEndpoint(endpoint).build();
            servers.add(McpServer.sync(transport).serverInfo(d.name() + "-mcp", "1.0.0")
                    .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                    .tools(tools(d)).build());
            Wrapper w = Tomcat.addServlet(ctx, d.name(), transport);
            w.setAsyncSupported(true);
            ctx.addServletMappingDecoded(endpoint, d.name());
            names.add(d.name());
        }
        tomcat.start();
        return new ToolFleet(tomcat, servers, names, tomcat.getConnector().getLocalPort());
    }

    /** The servers' names, each registered with the prefix name + "_". */
    public List<String> names() {
        return names;
    }

    public String url(String name) {
        return "http://127.0.0.1:" + port + "/" + name + "/mcp";
    }

    /** How many tools the servers have together. */
    public int toolCount() {
        return DOMAINS.subList(0, names.size()).stream().mapToInt(d -> 6 + d.extra().length).sum();
    }

    private static List<SyncToolSpecification> tools(Domain d) {
        String one = d.entity().replace(' ', '_');
        String many = d.entities().replace(' ', '_');
        String f1 = d.fields()[0][0];
        String f2 = d.fields()[1][0];
        String id = "{\"" + one + "_id\":{\"type\":\"string\",\"description\":\"The id of the " + d.entity() + "\"}";
        String fields = "\"" + f1 + "\":{\"type\":\"string\",\"description\":\"" + d.fields()[0][1] + "\"},"
                + "\"" + f2 + "\":{\"type\":\"string\",\"description\":\"" + d.fields()[1][1] + "\"}";
        String paging = "\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":100,\"default\":20,\"description\":"
                + "\"How many results at most\"},\"cursor\":{\"type\":\"string\",\"description\":\"Where the previous page ended\"}";
        List<SyncToolSpecification> out = new ArrayList<>();
        out.add(tool("list_" + many, "List " + d.entities(),
                "Lists the " + d.entities() + " " + d.where() + ", newest first. Filter by " + f1.replace('_', ' ') + " or "
                        + f2.replace('_', ' ') + "; results are paged, pass the returned cursor to read the next page.",
                "{" + fields + "," + paging + "}", null));
        out.add(tool("get_" + one, "Get " + d.entity(),
                "Returns one " + d.entity() + " " + d.where() + " by its id, with all its fields and when it was last changed.",
                id + "}", one + "_id"));
        out.add(tool("create_" + one, "Create " + d.entity(),
                "Creates a new " + d.entity() + " " + d.where() + " and returns it with its id. Fields not given take "
                        + "their defaults.", "{\"name\":{\"type\":\"string\",\"description\":\"A short name for the "
                        + d.entity() + "\"}," + fields + ",\"description\":{\"type\":\"string\",\"description\":"
                        + "\"Longer text, Markdown allowed\"}}", "name"));
        out.add(tool("update_" + one, "Update " + d.entity(),
                "Changes fields of an existing " + d.entity() + " " + d.where() + ". Only the fields given change; "
                        + "returns the " + d.entity() + " as it is now.", id + "," + fields + "}",
                one + "_id"));
        out.add(tool("delete_" + one, "Delete " + d.entity(),
                "Deletes a " + d.entity() + " " + d.where() + ". This cannot be undone.", id + "}", one + "_id"));
        out.add(tool("search_" + many, "Search " + d.entities(),
                "Full-text search over the " + d.entities() + " " + d.where() + ", best matches first.",
                "{\"query\":{\"type\":\"string\",\"description\":\"Words to look for\"}," + paging + "}", "query"));
        for (String[] e : d.extra()) {
            out.add(tool(e[0], title(e[0]), e[1] + " " + d.where() + ".", "{" + fields + ",\"" + one + "_id\":{\"type\":"
                    + "\"string\",\"description\":\"The " + d.entity() + " it applies to, if any\"}}", null));
        }
        return out;
    }

    private static String title(String name) {
        String words = name.replace('_', ' ');
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    private static SyncToolSpecification tool(String name, String title, String description, String properties, String required) {
        String schema = "{\"type\":\"object\",\"properties\":" + properties
                + (required == null ? "" : ",\"required\":[\"" + required + "\"]") + "}";
        return SyncToolSpecification.builder()
                .tool(Tool.builder().name(name).title(title).description(description)
                        .inputSchema(McpJsonDefaults.getMapper(), schema).build())
                .callHandler((ex, req) -> CallToolResult.builder().addTextContent(name + " done").build())
                .build();
    }

    @Override
    public void close() {
        servers.forEach(s -> {
            try {
                s.close();
            } catch (Exception ignored) {
                // stopping anyway
            }
        });
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (Exception ignored) {
            // already stopping
        }
    }

    /** For a test's diagnostics: server name to url. */
    public Map<String, String> urls() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        names.forEach(n -> out.put(n, url(n)));
        return out;
    }
}
