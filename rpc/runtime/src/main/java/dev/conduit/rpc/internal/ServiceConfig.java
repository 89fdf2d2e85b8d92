package dev.conduit.rpc.internal;

import dev.conduit.rpc.Status;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A channel's service config in gRPC's JSON form: per-method timeouts and retry policies ({@code methodConfig}) and
 * retry throttling ({@code retryThrottling}). A method's config is the one naming it exactly, else its service's,
 * else the one with an empty name, as gRPC looks them up. Members this runtime does not use are ignored, so a config
 * written for gRPC clients can be shared. Immutable.
 */
public final class ServiceConfig {
    private static final Logger log = LoggerFactory.getLogger(ServiceConfig.class);

    /** gRPC caps {@code maxAttempts} at 5 whatever a config asks. */
    static final int MAX_ATTEMPTS_CAP = 5;

    /** No config: no timeout, no retry policy, no throttling. */
    public static final ServiceConfig NONE = new ServiceConfig(Map.of(), null, null);

    /** One method's settings: a timeout (the longest a call may take) and a retry policy, each optional. */
    record MethodConfig(
            @Nullable Duration timeout, @Nullable RetryPolicy retry) {
        static final MethodConfig NONE = new MethodConfig(null, null);
    }

    /** gRFC A6's retry policy; backoffs in nanoseconds. */
    record RetryPolicy(
            int maxAttempts,
            long initialBackoffNanos,
            long maxBackoffNanos,
            double backoffMultiplier,
            Set<Status.Code> retryableCodes) {}

    /** gRFC A6's retry throttling: a token bucket of {@code maxTokens}, refilled by {@code tokenRatio} per success. */
    record Throttling(int maxTokens, double tokenRatio) {}

    /** Keyed {@code service/method}, {@code service/} for a whole service, {@code /} for the default. */
    private final Map<String, MethodConfig> methods;

    private final @Nullable Throttling throttling;

    /** The load-balancing policy the config chooses; null if it chooses none. */
    private final Balancing.@Nullable Policy policy;

    private ServiceConfig(
            Map<String, MethodConfig> methods, @Nullable Throttling throttling, Balancing.@Nullable Policy policy) {
        this.methods = methods;
        this.throttling = throttling;
        this.policy = policy;
    }

    /**
     * Reads a service config.
     *
     * @throws IllegalArgumentException naming the member that is wrong and what was expected
     */
    public static ServiceConfig parse(String json) {
        Object root = Json.parse(json);
        Map<String, Object> top = object(root, "the service config");
        Map<String, MethodConfig> methods = new HashMap<>();
        for (Object entry : list(top.get("methodConfig"), "methodConfig")) {
            Map<String, Object> mc = object(entry, "a methodConfig entry");
            MethodConfig config = new MethodConfig(
                    mc.containsKey("timeout") ? duration(mc.get("timeout"), "methodConfig.timeout") : null,
                    mc.containsKey("retryPolicy") ? retryPolicy(object(mc.get("retryPolicy"), "retryPolicy")) : null);
            if (mc.containsKey("hedgingPolicy")) {
                log.warn("the service config's hedgingPolicy is ignored: Conduit does not hedge calls");
            }
            for (Object n : list(mc.get("name"), "methodConfig.name")) {
                String key = nameKey(object(n, "a methodConfig name"));
                if (methods.put(key, config) != null) {
                    throw new IllegalArgumentException(
                            "service config names " + describe(key) + " in more than one methodConfig");
                }
            }
        }
        Throttling throttling = top.containsKey("retryThrottling")
                ? throttling(object(top.get("retryThrottling"), "retryThrottling"))
                : null;
        return new ServiceConfig(Map.copyOf(methods), throttling, policy(top));
    }

    /**
     * The policy the config chooses: the first entry of {@code loadBalancingConfig} that names a policy Conduit has
     * (gRPC's rule: a config may list policies newer clients know, then a fallback), else the older {@code
     * loadBalancingPolicy} string; null if it has neither.
     */
    private static Balancing.@Nullable Policy policy(Map<String, Object> top) {
        List<Object> configs = list(top.get("loadBalancingConfig"), "loadBalancingConfig");
        if (configs.isEmpty()) {
            Object legacy = top.get("loadBalancingPolicy");
            return legacy == null ? null : Balancing.Policy.named(optionalString(legacy, "loadBalancingPolicy"));
        }
        List<String> unknown = new ArrayList<>();
        for (Object entry : configs) {
            Map<String, Object> c = object(entry, "a loadBalancingConfig entry");
            if (c.size() != 1) {
                throw new IllegalArgumentException("a loadBalancingConfig entry has " + c.size()
                        + " members; expected one, named after its policy, such as {\"round_robin\": {}}");
            }
            String name = c.keySet().iterator().next();
            object(c.get(name), "loadBalancingConfig." + name);
            try {
                return Balancing.Policy.named(name);
            } catch (IllegalArgumentException notOurs) {
                unknown.add(name);
            }
        }
        throw new IllegalArgumentException(
                "loadBalancingConfig names no policy Conduit has " + unknown + "; expected round_robin or pick_first");
    }

    /** The load-balancing policy the config chooses, which wins over the channel builder's; null if none. */
    public Balancing.@Nullable Policy policy() {
        return policy;
    }

    /** The config for {@code fullMethodName} ({@code package.Service/Method}). */
    MethodConfig forMethod(String fullMethodName) {
        if (methods.isEmpty()) {
            return MethodConfig.NONE;
        }
        MethodConfig exact = methods.get(fullMethodName);
        if (exact != null) {
            return exact;
        }
        int slash = fullMethodName.indexOf('/');
        MethodConfig service = methods.get(fullMethodName.substring(0, slash + 1));
        return service != null ? service : methods.getOrDefault("/", MethodConfig.NONE);
    }

    @Nullable
    Throttling throttling() {
        return throttling;
    }

    private static String nameKey(Map<String, Object> name) {
        String service = optionalString(name.get("service"), "methodConfig.name.service");
        String method = optionalString(name.get("method"), "methodConfig.name.method");
        if (service.isEmpty() && !method.isEmpty()) {
            throw new IllegalArgumentException(
                    "service config names method \"" + method + "\" without its service; expected a service too");
        }
        return service + "/" + method;
    }

    private static String describe(String key) {
        return key.equals("/") ? "the default (an empty name)" : "\"" + key + "\"";
    }

    private static RetryPolicy retryPolicy(Map<String, Object> p) {
        BigDecimal attempts = number(p.get("maxAttempts"), "retryPolicy.maxAttempts");
        if (attempts.stripTrailingZeros().scale() > 0 || attempts.compareTo(BigDecimal.valueOf(2)) < 0) {
            throw new IllegalArgumentException(
                    "retryPolicy.maxAttempts is " + attempts.toPlainString() + "; expected an integer of at least 2");
        }
        int maxAttempts = attempts.min(BigDecimal.valueOf(MAX_ATTEMPTS_CAP)).intValue();
        Duration initial = positive(duration(p.get("initialBackoff"), "retryPolicy.initialBackoff"), "initialBackoff");
        Duration max = positive(duration(p.get("maxBackoff"), "retryPolicy.maxBackoff"), "maxBackoff");
        BigDecimal multiplier = number(p.get("backoffMultiplier"), "retryPolicy.backoffMultiplier");
        if (multiplier.signum() <= 0) {
            throw new IllegalArgumentException(
                    "retryPolicy.backoffMultiplier is " + multiplier.toPlainString() + "; expected a number above 0");
        }
        List<Object> codes = list(p.get("retryableStatusCodes"), "retryPolicy.retryableStatusCodes");
        if (codes.isEmpty()) {
            throw new IllegalArgumentException(
                    "retryPolicy.retryableStatusCodes is empty; expected at least one status code");
        }
        Set<Status.Code> retryable = EnumSet.noneOf(Status.Code.class);
        for (Object c : codes) {
            retryable.add(statusCode(c));
        }
        return new RetryPolicy(
                maxAttempts, initial.toNanos(), max.toNanos(), multiplier.doubleValue(), Set.copyOf(retryable));
    }

    private static Status.Code statusCode(@Nullable Object c) {
        if (c instanceof BigDecimal n && n.stripTrailingZeros().scale() <= 0) {
            for (Status.Code code : Status.Code.values()) {
                if (BigDecimal.valueOf(code.value()).compareTo(n) == 0) {
                    return code;
                }
            }
        } else if (c instanceof String name) {
            for (Status.Code code : Status.Code.values()) {
                if (code.name().equals(name)) {
                    return code;
                }
            }
        }
        throw new IllegalArgumentException(
                "retryPolicy.retryableStatusCodes has " + (c instanceof String ? "\"" + c + "\"" : c)
                        + "; expected a gRPC status code name such as \"UNAVAILABLE\"");
    }

    private static Throttling throttling(Map<String, Object> t) {
        BigDecimal maxTokens = number(t.get("maxTokens"), "retryThrottling.maxTokens");
        if (maxTokens.stripTrailingZeros().scale() > 0
                || maxTokens.signum() <= 0
                || maxTokens.compareTo(BigDecimal.valueOf(1000)) > 0) {
            throw new IllegalArgumentException("retryThrottling.maxTokens is " + maxTokens.toPlainString()
                    + "; expected an integer from 1 to 1000");
        }
        BigDecimal ratio = number(t.get("tokenRatio"), "retryThrottling.tokenRatio");
        if (ratio.signum() <= 0) {
            throw new IllegalArgumentException(
                    "retryThrottling.tokenRatio is " + ratio.toPlainString() + "; expected a number above 0");
        }
        // gRPC keeps three decimal places of the ratio.
        double kept = ratio.setScale(3, java.math.RoundingMode.DOWN).doubleValue();
        if (kept <= 0) {
            throw new IllegalArgumentException(
                    "retryThrottling.tokenRatio is " + ratio.toPlainString() + "; expected at least 0.001");
        }
        return new Throttling(maxTokens.intValue(), kept);
    }

    /** A protobuf JSON duration: decimal seconds with an {@code s}, as {@code "0.25s"}. */
    private static Duration duration(@Nullable Object v, String member) {
        if (v instanceof String s && s.endsWith("s") && s.length() > 1) {
            try {
                BigDecimal seconds = new BigDecimal(s.substring(0, s.length() - 1));
                if (seconds.signum() >= 0
                        && seconds.scale() <= 9
                        && seconds.compareTo(BigDecimal.valueOf(315_576_000_000L)) <= 0) {
                    return Duration.ofSeconds(0, seconds.movePointRight(9).longValueExact());
                }
            } catch (NumberFormatException | ArithmeticException bad) {
                // falls through to the error below
            }
        }
        throw new IllegalArgumentException(
                member + " is " + quoted(v) + "; expected a duration in seconds such as \"0.5s\"");
    }

    private static Duration positive(Duration d, String member) {
        if (d.isZero()) {
            throw new IllegalArgumentException("retryPolicy." + member + " is 0s; expected more than 0s");
        }
        return d;
    }

    private static BigDecimal number(@Nullable Object v, String member) {
        if (v instanceof BigDecimal n) {
            return n;
        }
        throw new IllegalArgumentException(member + " is " + quoted(v) + "; expected a number");
    }

    private static String optionalString(@Nullable Object v, String member) {
        if (v == null) {
            return "";
        }
        if (v instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException(member + " is " + quoted(v) + "; expected a string");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(@Nullable Object v, String what) {
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IllegalArgumentException(what + " is " + quoted(v) + "; expected a JSON object");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(@Nullable Object v, String member) {
        if (v == null) {
            return List.of();
        }
        if (v instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new IllegalArgumentException(member + " is " + quoted(v) + "; expected a JSON array");
    }

    private static String quoted(@Nullable Object v) {
        if (v == null) {
            return "missing";
        }
        if (v instanceof String s) {
            return "\"" + s + "\"";
        }
        if (v instanceof BigDecimal n) {
            return n.toPlainString();
        }
        return v instanceof Map ? "an object" : v instanceof List ? "an array" : String.valueOf(v);
    }
}
