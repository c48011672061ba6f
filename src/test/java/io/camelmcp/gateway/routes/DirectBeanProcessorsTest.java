package io.camelmcp.gateway.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Processor;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** The gateway's bean steps as direct calls: bound as Camel binds them, anything else left to Camel. */
class DirectBeanProcessorsTest {

    public static class Steps {
        public String seen;

        public void mark(Exchange exchange, @ExchangeProperty("who") String who) {
            seen = who + ":" + exchange.getExchangeId().isEmpty();
        }

        public String answer(@ExchangeProperty("n") Integer n, @ExchangeProperty("missing") Object missing) {
            return "n=" + n + " missing=" + missing;
        }

        public void fail(Exchange exchange) throws java.io.IOException {
            throw new java.io.IOException("broken");
        }

        public void overloaded(Exchange exchange) {
        }

        public void overloaded(Exchange exchange, @ExchangeProperty("x") String x) {
        }

        public void body(@Body String body) {
        }

        public void primitive(@ExchangeProperty("n") int n) {
        }
    }

    private final DefaultCamelContext camel = new DefaultCamelContext();

    @Test
    void bindsTheExchangeAndItsProperties() throws Exception {
        Steps steps = new Steps();
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty("who", "me");
        DirectBeanProcessors.of("steps", steps, "mark").process(exchange);
        assertThat(steps.seen).isEqualTo("me:false");
    }

    @Test
    void aResultBecomesTheBodyAndPropertiesAreConverted() throws Exception {
        Exchange exchange = new DefaultExchange(camel, ExchangePattern.InOut);
        exchange.getIn().setHeader("kept", "yes");
        exchange.setProperty("n", "42"); // converted to the parameter's type, as Camel's binding does
        DirectBeanProcessors.of("steps", new Steps(), "answer").process(exchange);
        assertThat(exchange.getMessage().getBody()).isEqualTo("n=42 missing=null");
        assertThat(exchange.getMessage().getHeader("kept")).isEqualTo("yes");
    }

    @Test
    void theBeansExceptionIsThrownAsItIs() {
        Processor p = DirectBeanProcessors.of("steps", new Steps(), "fail");
        assertThatThrownBy(() -> p.process(new DefaultExchange(camel))).isInstanceOf(java.io.IOException.class)
                .hasMessage("broken");
    }

    @Test
    void othersAreLeftToCamel() {
        Steps steps = new Steps();
        assertThat(DirectBeanProcessors.of("steps", steps, "overloaded")).as("overloads").isNull();
        assertThat(DirectBeanProcessors.of("steps", steps, "body")).as("other annotations").isNull();
        assertThat(DirectBeanProcessors.of("steps", steps, "primitive")).as("a primitive property").isNull();
        assertThat(DirectBeanProcessors.of("steps", steps, "nothing")).as("no such method").isNull();
        assertThat(DirectBeanProcessors.of("list", new java.util.ArrayList<>(), "size")).as("not the gateway's").isNull();
    }
}
