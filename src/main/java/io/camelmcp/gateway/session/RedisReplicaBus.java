package io.camelmcp.gateway.session;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The bus between replicas over Redis pub/sub, as the routes of replicas.yaml carry it: {@link #publish} sends the
 * message as JSON to {@code direct:replicas-out} (a PUBLISH), and the {@code replicas-in} route (a SUBSCRIBE) hands
 * every message to {@link #received}, which passes on those of the other replicas.
 */
public class RedisReplicaBus extends LocalReplicaBus {

    private static final Logger LOG = LoggerFactory.getLogger(RedisReplicaBus.class);

    private final AtomicBoolean failing = new AtomicBoolean();
    private volatile ProducerTemplate producer;

    public RedisReplicaBus(ObjectMapper mapper) {
        super(mapper);
    }

    /** Set once Camel runs (the bus is needed by beans Camel's context is built from). */
    public void setProducer(ProducerTemplate producer) {
        this.producer = producer;
    }

    @Override
    public void publish(ReplicaMessage message) {
        ProducerTemplate p = producer;
        if (p == null) {
            return; // before Camel runs: no client has reached this replica yet
        }
        try {
            p.sendBody("direct:replicas-out", mapper.writeValueAsString(message));
            if (failing.compareAndSet(true, false)) {
                LOG.info("Messages to the other replicas go through again");
            }
        } catch (IOException | RuntimeException e) {
            if (failing.compareAndSet(false, true)) {
                LOG.warn("A message to the other replicas ({}) was lost: {}", message.type(), e.toString());
            }
        }
    }
}
