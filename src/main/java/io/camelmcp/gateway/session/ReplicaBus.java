package io.camelmcp.gateway.session;

import java.util.function.Consumer;

/**
 * What one replica of the gateway tells the others about state that is not in the store because it lives where a
 * connection does: a session ended (its client streams elsewhere end), a client's GET stream moved to another
 * replica (the old one lets go of its upstream streams), a cancellation for a call another replica runs. With one
 * replica (the memory store) there is nobody to tell; with Redis, messages go over pub/sub to every other one.
 */
public interface ReplicaBus {

    /** Tells every other replica (none when there is one); never throws (a lost message is logged once by the bus). */
    void publish(ReplicaMessage message);

    /** Who to tell of each message from another replica; listeners run one at a time, in the bus's thread. */
    void subscribe(Consumer<ReplicaMessage> listener);

    /** This replica's id: messages carry it, so a replica can tell its own from the others'. */
    String replica();
}
