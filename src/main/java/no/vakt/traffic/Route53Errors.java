package no.vakt.traffic;

import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** The one place that decides which Route 53 failures are worth retrying, and words them without secrets. */
final class Route53Errors {
    private static final Set<String> RETRYABLE = Set.of(
            "Throttling", "ThrottlingException", "PriorRequestNotComplete", "RequestLimitExceeded", "ServiceUnavailable",
            "InternalFailure", "InternalError", "RequestTimeout");
    private static final Set<String> CREDENTIALS = Set.of(
            "AccessDenied", "AccessDeniedException", "InvalidClientTokenId", "SignatureDoesNotMatch", "UnrecognizedClientException",
            "ExpiredToken", "ExpiredTokenException", "MissingAuthenticationToken", "IncompleteSignature", "NotAuthorized", "OptInRequired");

    private Route53Errors() {}

    static TrafficException translate(String context, String zoneId, SdkException e) {
        if (e instanceof AwsServiceException s) {
            String code = s.awsErrorDetails() != null ? s.awsErrorDetails().errorCode() : null;
            String message = s.awsErrorDetails() != null ? s.awsErrorDetails().errorMessage() : s.getMessage();
            int status = s.statusCode();
            String said = " (HTTP " + status + (code != null ? " " + code : "") + (message != null ? ": " + message : "") + ")";
            if (in(CREDENTIALS, code) || status == 401 || (status == 403 && !in(RETRYABLE, code))) {
                return new TrafficException(context + ": Route 53 refused the credentials" + said
                        + "; check the access key and that its policy allows route53:GetHostedZone, ListResourceRecordSets, "
                        + "ChangeResourceRecordSets and GetChange on hosted zone " + zoneId, false, e);
            }
            if ("NoSuchHostedZone".equals(code)) {
                return new TrafficException(context + ": hosted zone " + zoneId + " does not exist" + said, false, e);
            }
            if (s.isThrottlingException() || in(RETRYABLE, code) || status == 429 || status >= 500) {
                return new TrafficException(context + ": Route 53 is busy or failing, will retry" + said, true, e);
            }
            return new TrafficException(context + ": Route 53 rejected the request" + said, false, e);
        }
        if (e instanceof SdkClientException) {
            // timeouts, refused connections, unreadable answers: the request may or may not have arrived
            return new TrafficException(context + ": no usable answer from Route 53: " + e.getMessage(), true, e);
        }
        return new TrafficException(context + ": " + e.getMessage(), false, e);
    }

    /** Set.of(..).contains(null) throws; an absent code is in no set. */
    private static boolean in(Set<String> set, String code) {
        return code != null && set.contains(code);
    }
}
