package io.camelmcp.gateway.federation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.protocol.JsonRpc;

/** The ranking of discover_tools: words of names, titles, descriptions and parameters, BM25 over weighted fields. */
class ToolIndexTest {

    private static final JsonRpc JSON = new JsonRpc(new ObjectMapper(), 1 << 20);

    private static Catalog.Item tool(String server, String name, String title, String description, String... params) {
        ObjectNode t = JSON.object().put("name", name);
        if (title != null) {
            t.put("title", title);
        }
        t.put("description", description);
        ObjectNode props = t.putObject("inputSchema").put("type", "object").putObject("properties");
        for (int i = 0; i + 1 < params.length; i += 2) {
            props.putObject(params[i]).put("type", "string").put("description", params[i + 1]);
        }
        return Catalog.Item.of(server, name, t, JSON);
    }

    /** A catalogue with near misses around each tool the queries look for. */
    private static final List<Catalog.Item> CATALOGUE = List.of(
            tool("calendar", "cal_add_event", "Add event", "Adds an event to a calendar at a date and time",
                    "calendarId", "The calendar", "start", "When it starts"),
            tool("calendar", "cal_list_events", null, "Lists the events of a calendar between two dates"),
            tool("everything", "everything_echo", "Echo Tool", "Echoes back the input string", "message", "Message to echo"),
            tool("everything", "everything_get-sum", "Get Sum Tool", "Returns the sum of two numbers",
                    "a", "First number", "b", "Second number"),
            tool("github", "gh_create_issue", "Create issue", "Creates a new issue in a GitHub repository",
                    "repo", "owner/name", "title", "The issue's title"),
            tool("github", "gh_list_pull_requests", null, "Lists the pull requests of a repository"),
            tool("invoices", "inv_add_line_item", null, "Adds a line item to a draft invoice", "amount", "The amount"),
            tool("sheets", "sheets_sum_range", "Sum range", "Totals the cells of a range in a spreadsheet",
                    "range", "A1 notation, e.g. B2:B9"),
            tool("weather", "wx_get_forecast", "Forecast", "Weather forecast for the next days at a place",
                    "city", "City name", "days", "How many days"),
            tool("weather", "wx_current_conditions", null, "Current temperature, wind and humidity at a place"));

    private static final ToolIndex INDEX = ToolIndex.of(CATALOGUE, JSON);

    private static List<String> top(String query, int n) {
        return INDEX.search(query, n, d -> true).stream().map(h -> h.doc().name()).toList();
    }

    @Test
    void identifiersSplitIntoWordsAndPluralsMeetTheirSingular() {
        assertThat(ToolIndex.tokens("everything_get-sum")).containsExactly("everything", "get", "sum");
        assertThat(ToolIndex.tokens("createIssue listPullRequests")).containsExactly("create", "issue", "list", "pull", "request");
        assertThat(ToolIndex.tokens("Returns the sum of two numbers")).containsExactly("return", "sum", "two", "number");
        assertThat(ToolIndex.tokens("addresses queries boxes files")).containsExactly("address", "query", "box", "file");
        assertThat(ToolIndex.tokens("a I to of-the")).isEmpty();
        assertThat(ToolIndex.tokens(null)).isEmpty();
    }

    @Test
    void theToolThatDoesWhatTheQuerySaysRanksFirst() {
        assertThat(top("add two numbers sum", 3)).first().isEqualTo("everything_get-sum");
        assertThat(top("open a new GitHub issue", 3)).first().isEqualTo("gh_create_issue");
        assertThat(top("weather forecast for tomorrow", 3)).first().isEqualTo("wx_get_forecast");
        assertThat(top("schedule an event in my calendar", 3)).first().isEqualTo("cal_add_event");
        assertThat(top("pull requests", 1)).containsExactly("gh_list_pull_requests");
    }

    @Test
    void aWordInTheNameCountsMoreThanTheSameWordInADescription() {
        ToolIndex index = ToolIndex.of(List.of(
                tool("mail", "mail_archive", null, "Archives a message, e.g. an email you have read"),
                tool("mail", "mail_send_email", null, "Sends a message")), JSON);
        assertThat(index.search("email", 5, d -> true)).extracting(h -> h.doc().name())
                .containsExactly("mail_send_email", "mail_archive");
    }

    @Test
    void onlyVisibleToolsAreHitsAndAtMostTheLimit() {
        assertThat(INDEX.search("add two numbers sum", 10, d -> !d.name().startsWith("everything_")))
                .extracting(h -> h.doc().name()).doesNotContain("everything_get-sum").isNotEmpty();
        assertThat(top("a", 5)).isEmpty(); // stop words only
        assertThat(top("kubernetes", 5)).isEmpty();
        assertThat(top("add", 1)).hasSize(1);
        assertThat(top("add", 0)).isEmpty();
    }

    @Test
    void equalScoresKeepTheCatalogueOrder() {
        List<Catalog.Item> same = new ArrayList<>();
        for (String server : List.of("a", "b", "c")) {
            same.add(tool(server, server + "_ping", null, "Checks the server answers"));
        }
        assertThat(ToolIndex.of(same, JSON).search("ping", 5, d -> true)).extracting(h -> h.doc().name())
                .containsExactly("a_ping", "b_ping", "c_ping");
    }

    @Test
    void toolsAreFoundByTheirExposedNameWithWhatTheyDescribe() {
        ToolIndex.Doc sum = INDEX.tool("everything_get-sum");
        assertThat(sum.title()).isEqualTo("Get Sum Tool");
        assertThat(sum.description()).isEqualTo("Returns the sum of two numbers");
        assertThat(sum.inputSchema().path("properties").has("a")).isTrue();
        assertThat(sum.item().server()).isEqualTo("everything");
        assertThat(INDEX.tool("nope")).isNull();
        assertThat(INDEX.source()).isSameAs(CATALOGUE);
    }
}
