package no.vakt.config;

import java.util.List;

/** A site (data centre) holding one or more nodes. */
public record Site(String name, String zone, String country, List<Node> nodes) {
    public Site {
        nodes = nodes != null ? List.copyOf(nodes) : List.of();
    }
}
