package io.herald.store;

import io.herald.criteria.CriteriaException;
import io.herald.criteria.DateRange;
import io.herald.criteria.WholeNumber;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * The parameters of a {@code _history} request.
 *
 * @param before versions older than this one ({@code _cursor}, the paging cursor), or Long.MAX_VALUE
 * @param since  versions last updated at or after this ({@code _since}), or null
 */
record HistoryQuery(int count, long before, OffsetDateTime since) {

  static HistoryQuery parse(Map<String, List<String>> params, int defaultCount, int maxCount) {
    int count = defaultCount;
    long before = Long.MAX_VALUE;
    OffsetDateTime since = null;
    for (Map.Entry<String, List<String>> param : params.entrySet()) {
      String name = param.getKey();
      String value = param.getValue().get(param.getValue().size() - 1);
      switch (name) {
        case "_count" -> count = (int) WholeNumber.parse(name, value, 1, maxCount);
        case "_cursor" -> before = WholeNumber.parse(name, value, 1, Long.MAX_VALUE);
        case "_since" -> {
          try {
            since = java.time.Instant.ofEpochMilli(DateRange.parse(value).lo()).atOffset(ZoneOffset.UTC);
          } catch (IllegalArgumentException e) {
            throw new CriteriaException(name, e.getMessage());
          }
        }
        case "_format", "_pretty" -> {
        }
        default -> throw new CriteriaException(name, "not supported on _history; supported: _count, _since");
      }
    }
    return new HistoryQuery(count, before, since);
  }

}
