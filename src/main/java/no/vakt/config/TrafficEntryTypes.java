package no.vakt.config;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The {@code type:} names of traffic entries and their records, offered by the traffic package as a
 * {@link ServiceLoader} service (META-INF/services): the config parses the entries without importing
 * the package that defines them.
 */
public interface TrafficEntryTypes {
    /** {@code type:} name to the record that binds it. */
    Map<String, Class<? extends TrafficEntryConfig>> byName();

    /** Every registered type, sorted by name. */
    static Map<String, Class<? extends TrafficEntryConfig>> all() {
        Map<String, Class<? extends TrafficEntryConfig>> all = new TreeMap<>();
        ServiceLoader.load(TrafficEntryTypes.class, TrafficEntryTypes.class.getClassLoader())
                .forEach(t -> all.putAll(t.byName()));
        return all;
    }
}
