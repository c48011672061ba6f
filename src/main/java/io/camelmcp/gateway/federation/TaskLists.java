package io.camelmcp.gateway.federation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.camelmcp.gateway.exchange.Answer;
import io.camelmcp.gateway.exchange.McpExchange;
import io.camelmcp.gateway.federation.Catalog;
import io.camelmcp.gateway.protocol.JsonRpc;
import io.camelmcp.gateway.protocol.JsonRpcMessage;
import io.camelmcp.gateway.registry.RegistrySnapshot;
import io.camelmcp.gateway.relay.ServerMessages;
import io.camelmcp.gateway.session.ClientContext;
import io.camelmcp.gateway.upstream.Paging;
import io.camelmcp.gateway.upstream.UpstreamException;
import io.camelmcp.gateway.upstream.UpstreamSessions;

/** The steps of the tasks/list fan-out: the client's tasks on every server that runs tasks, merged. */
public class TaskLists {

    private static final Logger LOG = LoggerFactory.getLogger(TaskLists.class);

    private final Catalog catalog;
    private final UpstreamSessions upstreams;
    private final ServerMessages serverMessages;
    private final JsonRpc json;
    private final Duration timeout;

    public TaskLists(Catalog catalog, UpstreamSessions upstreams, ServerMessages serverMessages, JsonRpc json,
                     Duration timeout) {
        this.catalog = catalog;
        this.upstreams = upstreams;
        this.serverMessages = serverMessages;
        this.json = json;
        this.timeout = timeout;
    }

    /** Servers that declared tasks and with which the client has a session (tasks live in sessions). */
    public List<RegistrySnapshot.Entry> targets(@ExchangeProperty(McpExchange.CLIENT) ClientContext gs) {
        List<RegistrySnapshot.Entry> out = new ArrayList<>();
        for (RegistrySnapshot.Entry e : catalog.serversWith("tasks")) {
            if (upstreams.hasSession(gs, e.registration())) {
                out.add(e);
            }
        }
        return out;
    }

    /** One server's tasks for this client, every page; a failing server is left out. */
    public List<ObjectNode> list(@ExchangeProperty(McpExchange.CLIENT) ClientContext gs, Message message) {
        RegistrySnapshot.Entry server = message.getBody(RegistrySnapshot.Entry.class);
        try {
            List<ObjectNode> tasks = Paging.listAll(server.name(), "tasks/list", "tasks", upstreams,
                    req -> upstreams.call(gs, server.registration(), req, timeout));
            for (ObjectNode t : tasks) {
                serverMessages.taskCreated(gs, server, json.object().set("task", t));
            }
            return tasks;
        } catch (UpstreamException e) {
            LOG.warn("Left MCP server '{}' out of tasks/list: {}", server.name(), e.getMessage());
            return List.of();
        }
    }

    /**
     * The merged list. With no server to ask, the split leaves the request itself as the body (not a list of lists):
     * that is an empty list, not a cast failure.
     */
    public Answer result(Exchange exchange, @ExchangeProperty(McpExchange.MESSAGE) JsonRpcMessage msg) {
        ObjectNode result = json.object();
        var out = result.putArray("tasks");
        if (exchange.getMessage().getBody() instanceof List<?> parts) {
            for (Object part : parts) {
                if (part instanceof List<?> tasks) {
                    tasks.forEach(t -> {
                        if (t instanceof ObjectNode task) {
                            out.add(task);
                        }
                    });
                }
            }
        }
        return Answer.json(json.write(json.result(msg.id(), result)));
    }

}
