package no.vakt.failover.planned;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrantTransactionsTest {

    @Test
    void aFormerPrimaryThatIsContainedHasNothingErrant() {
        ErrantTransactions e = ErrantTransactions.find("0-1-10", "0-1-10", "0-2-12", "0-1-10,0-2-12", "0-1-10");
        assertThat(e.isEmpty()).isTrue();
        assertThat(e.toString()).isEqualTo("none");
        assertThat(e.sharedPosition().toString()).isEqualTo("0-1-10");
    }

    @Test
    void aWriteThatNeverLeftTheOldPrimaryIsFoundAlthoughTheNewPrimaryHasAHigherSequence() {
        // Per domain alone 0-1-11 looks behind 0-2-12; per server id, bergen knows server 1 only up to 10.
        ErrantTransactions e = ErrantTransactions.find("0-1-11", "0-1-11", "0-2-12", "0-1-10,0-2-12", "0-1-10");
        assertThat(e.ranges()).containsExactly(new ErrantTransactions.Range(0, 1, 10, 11));
        assertThat(e.count()).isEqualTo(1);
        assertThat(e.toString()).isEqualTo("0-1-11");
        assertThat(e.sharedPosition().toString()).isEqualTo("0-1-10");
        assertThat(e.sharedPositionCoversEveryErrantDomain()).isTrue();
    }

    @Test
    void theSlavePositionCountsWhenTheNewPrimaryWasSeededWithoutTheOldBinaryLog() {
        ErrantTransactions e = ErrantTransactions.find("0-1-10", "0-1-10", "0-2-11", "0-2-11", "0-1-10");
        assertThat(e.isEmpty()).isTrue();
    }

    @Test
    void thePlainPerDomainCheckStillCounts() {
        ErrantTransactions e = ErrantTransactions.find("0-1-15", "", "0-1-12", "0-1-12", "");
        assertThat(e.ranges()).containsExactly(new ErrantTransactions.Range(0, 1, 12, 15));
        assertThat(e.toString()).isEqualTo("0-1-13..15");
        assertThat(e.count()).isEqualTo(3);
    }

    @Test
    void theSharedPointIsTheNewestGtidBothHoldEvenFromAnotherServer() {
        // oslo once replicated 0-2-5 from bergen, then wrote 0-1-6 that bergen never got.
        ErrantTransactions e = ErrantTransactions.find("0-1-6", "0-1-6,0-2-5", "0-2-9", "0-1-3,0-2-9", "");
        assertThat(e.ranges()).containsExactly(new ErrantTransactions.Range(0, 1, 3, 6));
        assertThat(e.sharedPosition().toString()).isEqualTo("0-2-5");
    }

    @Test
    void aDomainErrantFromItsStartHasNoSharedPoint() {
        ErrantTransactions e = ErrantTransactions.find("0-1-10,7-1-3", "0-1-10,7-1-3", "0-2-12", "0-1-10,0-2-12", "");
        assertThat(e.ranges()).containsExactly(new ErrantTransactions.Range(7, 1, 0, 3));
        assertThat(e.sharedPosition().toString()).isEqualTo("0-1-10");
        assertThat(e.sharedPositionCoversEveryErrantDomain()).isFalse();
    }

    @Test
    void blankVariablesAreEmpty() {
        ErrantTransactions e = ErrantTransactions.find("", null, "", "", null);
        assertThat(e.isEmpty()).isTrue();
        assertThat(e.sharedPosition().isEmpty()).isTrue();
    }
}
