package io.camelmcp.gateway.routes;

import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;

import org.apache.camel.BeanScope;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.spi.BeanProcessorFactory;
import org.apache.camel.support.DefaultMessage;
import org.apache.camel.support.ExchangeHelper;

/**
 * The routes' {@code bean:} steps on the gateway's own beans ({@code ref} and {@code method}, as every step of the
 * route files names them), invoked with the method and its parameter binding resolved once, when the route is built.
 * Camel's own bean processor does that for every message: it looks the method up among the bean's operations, binds
 * each parameter through an expression, checks access and invokes it reflectively, which for the twenty-odd steps of a
 * relayed tools/call was several per cent of the gateway's CPU.
 * <p>
 * Only what the gateway's beans use is taken here: one public method of that name, each parameter the
 * {@link Exchange} or an {@link ExchangeProperty @ExchangeProperty} (converted to the parameter's type as Camel's
 * binding does); a non-void result becomes the message body as Camel sets it. Any other step (a bean of a route
 * you add, other annotations, overloads, a body parameter) goes to Camel's own bean processor, unchanged.
 */
public final class DirectBeanProcessors implements BeanProcessorFactory {

    private static final String OWN_PACKAGE = "io.camelmcp.gateway.";

    private final BeanProcessorFactory camel;

    public DirectBeanProcessors(BeanProcessorFactory camel) {
        this.camel = camel;
    }

    @Override
    public Processor createBeanProcessor(CamelContext context, Object bean, Method method) throws Exception {
        return camel.createBeanProcessor(context, bean, method);
    }

    @Override
    public Processor createBeanProcessor(CamelContext context, Object bean, String beanType, Class<?> beanClass,
                                         String ref, String method, BeanScope scope) throws Exception {
        if (bean == null && beanType == null && beanClass == null && ref != null && method != null
                && (scope == null || scope == BeanScope.Singleton)) {
            Object target = context.getRegistry().lookupByName(ref);
            Processor direct = target == null ? null : of(ref, target, method);
            if (direct != null) {
                return direct;
            }
        }
        return camel.createBeanProcessor(context, bean, beanType, beanClass, ref, method, scope);
    }

    /** The step as a direct call, or null when Camel's own binding is needed for it. */
    static Processor of(String ref, Object bean, String name) {
        Class<?> type = bean.getClass();
        if (!type.getName().startsWith(OWN_PACKAGE) || !Modifier.isPublic(type.getModifiers())) {
            return null;
        }
        Method[] named = Arrays.stream(type.getMethods())
                .filter(m -> m.getName().equals(name) && !m.isBridge() && !m.isSynthetic()
                        && !Modifier.isStatic(m.getModifiers()))
                .toArray(Method[]::new);
        if (named.length != 1) {
            return null;
        }
        Method m = named[0];
        Class<?> result = m.getReturnType();
        if (Callable.class.isAssignableFrom(result) || CompletionStage.class.isAssignableFrom(result)) {
            return null; // Camel calls or awaits these
        }
        Class<?>[] params = m.getParameterTypes();
        Annotation[][] annotations = m.getParameterAnnotations();
        String[] properties = new String[params.length]; // null: the exchange itself
        for (int i = 0; i < params.length; i++) {
            ExchangeProperty property = null;
            for (Annotation a : annotations[i]) {
                if (a instanceof ExchangeProperty p) {
                    property = p;
                } else if (a.annotationType().getName().startsWith("org.apache.camel.")) {
                    return null; // another binding annotation: Camel's
                }
            }
            if (property != null && !params[i].isPrimitive()) {
                properties[i] = property.value();
            } else if (property != null || params[i] != Exchange.class) {
                return null;
            }
        }
        m.setAccessible(true); // public: no per-call access check
        return new Step(ref + "." + name, bean, m, params, properties, result != void.class);
    }

    /** One bean method as a processor. */
    record Step(String name, Object bean, Method method, Class<?>[] types, String[] properties, boolean returns)
            implements Processor {

        @Override
        public void process(Exchange exchange) throws Exception {
            Object[] args = new Object[types.length];
            for (int i = 0; i < args.length; i++) {
                args[i] = properties[i] == null ? exchange : property(exchange, properties[i], types[i]);
            }
            Object value;
            try {
                value = method.invoke(bean, args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exception ex) {
                    throw ex;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw e;
            }
            if (returns) {
                setBody(exchange, value);
            }
        }

        private static Object property(Exchange exchange, String name, Class<?> type) {
            Object v = exchange.getProperty(name);
            return v == null || type.isInstance(v) ? v : exchange.getContext().getTypeConverter().convertTo(type, exchange, v);
        }

        /** The result as the body, the way Camel's bean binding sets it (its MethodInfo#fillResult). */
        @SuppressWarnings("deprecation")
        private static void setBody(Exchange exchange, Object value) {
            boolean out = exchange.hasOut() || ExchangeHelper.isOutCapable(exchange);
            Message old;
            if (out) {
                old = exchange.getOut();
                old.getHeaders().putAll(exchange.getIn().getHeaders());
            } else {
                old = exchange.getIn();
            }
            if (old.getClass() != DefaultMessage.class) {
                // as Camel does: a plain message, not the consumer's specialized one, carries the result on
                Message plain = new DefaultMessage(exchange.getContext());
                plain.copyFromWithNewBody(old, value);
                ExchangeHelper.replaceMessage(exchange, plain, out);
            } else {
                old.setBody(value);
            }
        }

        @Override
        public String toString() {
            return "bean:" + name;
        }
    }
}
