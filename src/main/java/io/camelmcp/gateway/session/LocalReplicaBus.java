package io.camelmcp.gateway.session;

import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The bus of a single replica (memory store): there is no other replica to tell. {@link #received} takes the
 * messages the replicas-in route hears (with the Redis store, see {@link RedisReplicaBus}) and hands those of the
 * other replicas to the listeners; pub/sub also brings a replica its own, which it has acted on already.
 */
public class LocalReplicaBus implements ReplicaBus {

    private static final Logger LOG = LoggerFactory.getLogger(LocalReplicaBus.class);

    private final String replica = UUID.randomUUID().toString();
    private final List<Consumer<ReplicaMessage>> listeners = new CopyOnWriteArrayList<>();
    protected final ObjectMapper mapper;

    public LocalReplicaBus(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public void publish(ReplicaMessage message) {
        // one replica: nobody else holds streams or runs calls of its sessions
    }

    /** A message from the replicas-in route (Redis pub/sub), as JSON. */
    public void received(String json) {
        ReplicaMessage message;
        try {
            message = mapper.readValue(json, ReplicaMessage.class);
        } catch (IOException e) {
            LOG.warn("An unreadable message on the replicas' channel was ignored: {}", e.getMessage());
            return;
        }
        if (!message.isFrom(replica)) {
            deliver(message);
        }
    }

    @Override
    public void subscribe(Consumer<ReplicaMessage> listener) {
        listeners.add(listener);
    }

    @Override
    public String replica() {
        return replica;
    }

    private void deliver(ReplicaMessage message) {
        for (Consumer<ReplicaMessage> l : listeners) {
            try {
                l.accept(message);
            } catch (RuntimeException e) {
                LOG.warn("A listener failed on a replica message ({}): {}", message.type(), e.toString());
            }
        }
    }
}
