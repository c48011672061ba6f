package io.camelmcp.gateway.federation;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Collects the per-server answers of a parallel split into one list, whatever order they finish in.
 * Shared by every list fan-out route.
 */
public class ListAggregationStrategy implements AggregationStrategy {

    @Override
    @SuppressWarnings("unchecked")
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        Object part = newExchange.getMessage().getBody();
        if (oldExchange == null) {
            // this first part's exchange becomes the result: a failure its branch handled (its error rendered as the
            // body) must not go with it, or the route would stop after the split as if the whole split had failed
            newExchange.getExchangeExtension().setErrorHandlerHandled(null);
            newExchange.setRouteStop(false);
            newExchange.setException(null);
            List<Object> parts = new ArrayList<>();
            if (part != null) {
                parts.add(part);
            }
            newExchange.getMessage().setBody(parts);
            return newExchange;
        }
        if (part != null) {
            oldExchange.getMessage().getBody(List.class).add(part);
        }
        return oldExchange;
    }
}
