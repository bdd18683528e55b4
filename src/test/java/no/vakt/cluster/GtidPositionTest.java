package no.vakt.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GtidPositionTest {
    @Test
    void parsesMultipleDomains() {
        GtidPosition p = GtidPosition.parse("0-1-100, 1-2-5");
        assertThat(p.byDomain()).hasSize(2);
        assertThat(p.toString()).isEqualTo("0-1-100,1-2-5");
        assertThat(GtidPosition.parse("")).isEqualTo(GtidPosition.EMPTY);
        assertThat(GtidPosition.parse(null).isEmpty()).isTrue();
    }

    @Test
    void containsComparesPerDomain() {
        GtidPosition primary = GtidPosition.parse("0-1-100,1-1-7");
        assertThat(primary.contains(GtidPosition.parse("0-1-99"))).isTrue();
        assertThat(primary.contains(GtidPosition.parse("0-1-100,1-1-7"))).isTrue();
        assertThat(primary.contains(GtidPosition.parse("0-1-101"))).isFalse();
        assertThat(primary.contains(GtidPosition.parse("2-2-1"))).isFalse();
        assertThat(primary.contains(GtidPosition.EMPTY)).isTrue();
    }

    @Test
    void beyondFindsErrantTransactions() {
        GtidPosition primary = GtidPosition.parse("0-1-100");
        assertThat(GtidPosition.parse("0-1-90").beyond(primary)).isEmpty();
        assertThat(GtidPosition.parse("0-2-101,5-2-3").beyond(primary)).extracting(Object::toString)
                .containsExactly("0-2-101", "5-2-3");
    }

    @Test
    void countsTransactionsBehind() {
        assertThat(GtidPosition.parse("0-1-90").transactionsBehind(GtidPosition.parse("0-1-100,1-1-3"))).isEqualTo(13);
        assertThat(GtidPosition.parse("0-1-100").transactionsBehind(GtidPosition.parse("0-1-90"))).isZero();
    }

    @Test
    void rejectsGarbage() {
        assertThatThrownBy(() -> GtidPosition.parse("0-1")).hasMessageContaining("not a GTID");
    }
}
