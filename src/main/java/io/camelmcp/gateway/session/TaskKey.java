package io.camelmcp.gateway.session;

/** A task by its id in the client's session (task ids are unique per server, not across). A plain record, written as JSON. */
public record TaskKey(String sessionId, String taskId) {}
