package no.vakt.drill;

import java.time.Instant;

/**
 * One moment of a drill.
 *
 * @param kind one of: {@code load}, {@code fault}, {@code detection}, {@code step}, {@code failover},
 *     {@code traffic}, {@code write}, {@code read-only-off}, {@code health}, {@code files}, {@code warm}, {@code restore},
 *     {@code note}
 */
public record TimelineEvent(Instant at, String kind, String what) {}
