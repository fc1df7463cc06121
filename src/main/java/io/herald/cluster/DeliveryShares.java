package io.herald.cluster;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Who delivers which subscription: delivery is split into {@value #BUCKETS} buckets by subscription id, each bucket
 * assigned to one live member by rendezvous hashing with bounded loads over the member list ({@link Members}), so
 * the buckets spread evenly and mostly only a leaving or joining member's share moves. A node delivers a bucket only while it holds that
 * bucket's PostgreSQL advisory lock, on a connection of its own: the lock is the fence. A bucket another node still
 * holds (it is draining, paused or not yet told of the change) is not taken until that node lets it go or its
 * connection dies (kill -9). A node lets a bucket go only once no send of it is in flight and its acknowledgements
 * are written ({@link Handover}), so the next owner resumes after the last acknowledgement and order holds across
 * the move. Used from one verticle's context.
 */
public final class DeliveryShares {

  /** Buckets: enough that 3 nodes get shares within a few percent of each other. */
  public static final int BUCKETS = 256;
  /** The {@link NodeDirectory} of the buckets each node delivers: {member, buckets}. */
  public static final String DIRECTORY = "herald.delivery.buckets";
  private static final long LOCK_BASE = 4864560000L;   // + bucket; apart from Ownership's role locks
  private static final long REBALANCE_MS = 1000;
  private static final Logger LOG = Logger.getLogger(DeliveryShares.class.getName());

  /** What the deliverer does around a move. */
  public interface Handover {
    /** Buckets were taken: look for what they hold to deliver. */
    void taken(Set<Integer> buckets);

    /** Whether bucket {@code bucket} can be let go: no send of it in flight, its acknowledgements written. */
    boolean quiet(int bucket);

    /** Bucket {@code bucket} was let go: forget its workers. */
    void released(int bucket);
  }

  private final Vertx vertx;
  private final PgConnectOptions options;
  private final Members members;
  private final Handover handover;
  private final Set<Integer> held = new HashSet<>();      // locked by this node
  private final Set<Integer> leaving = new HashSet<>();   // held, assigned elsewhere now: draining, then let go
  private PgConnection connection;
  private boolean rebalancing;
  private boolean again;
  private boolean stopped;
  private long timer = -1;
  private NodeDirectory directory;
  private List<Integer> listed = List.of();   // the buckets the directory was last told of

  public DeliveryShares(Vertx vertx, PgConnectOptions options, Members members, Handover handover) {
    this.vertx = vertx;
    this.options = options;
    this.members = members;
    this.handover = handover;
  }

  /** The bucket of a subscription (the same on every node: String.hashCode is specified). */
  public static int bucket(String subscription) {
    return Math.floorMod(subscription.hashCode(), BUCKETS);
  }

  /** Takes this node's share now, then looks again every second and whenever a member joins or leaves. */
  public Future<Void> start() {
    Context context = vertx.getOrCreateContext();
    members.onChange(context, this::rebalance);
    timer = vertx.setPeriodic(REBALANCE_MS, id -> rebalance());
    directory = new NodeDirectory(vertx, DIRECTORY, () -> listed.isEmpty() ? null
        : new JsonObject().put("member", members.self()).put("buckets", new JsonArray(listed)));
    return balance();
  }

  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    held.clear();
    leaving.clear();
    Future<Void> unlisted = directory == null ? Future.succeededFuture() : directory.close().otherwiseEmpty();
    return unlisted.compose(v -> connection == null ? Future.succeededFuture() : connection.close());
  }

  /** Whether this node delivers {@code subscription} now. */
  public boolean owns(String subscription) {
    int bucket = bucket(subscription);
    return held.contains(bucket) && !leaving.contains(bucket);
  }

  /** Whether this node delivers any subscription now. */
  public boolean any() {
    return held.size() > leaving.size();
  }

  /** The buckets this node delivers now, in order. */
  public List<Integer> buckets() {
    List<Integer> mine = new ArrayList<>(held);
    mine.removeAll(leaving);
    mine.sort(null);
    return mine;
  }

  /**
   * The buckets this node delivers among {@code all}: rendezvous hashing with bounded loads. Each bucket, in order,
   * goes to the member it scores highest with among those not yet holding their cap (the buckets divided by the
   * members, rounded up), so shares differ by a bucket or two while only some of the buckets move when a member
   * comes or goes. Every node computes the same answer from the same list.
   */
  static Set<Integer> assigned(String self, List<String> all) {
    List<String> members = new ArrayList<>(all);
    members.sort(null);
    int cap = (BUCKETS + members.size() - 1) / members.size();
    java.util.Map<String, Integer> load = new java.util.HashMap<>();
    Set<Integer> mine = new HashSet<>();
    for (int bucket = 0; bucket < BUCKETS; bucket++) {
      String owner = null;
      long best = Long.MIN_VALUE;
      for (String member : members) {
        long score = mix(member.hashCode() * 0x9E3779B97F4A7C15L + bucket);
        if (load.getOrDefault(member, 0) < cap && (owner == null || score > best)) {
          owner = member;
          best = score;
        }
      }
      load.merge(owner, 1, Integer::sum);
      if (self.equals(owner)) {
        mine.add(bucket);
      }
    }
    return mine;
  }

  private static long mix(long z) {   // SplitMix64's finaliser
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private void rebalance() {
    balance().onFailure(e -> LOG.log(Level.FINE, "Delivery shares not balanced yet", e));
  }

  /** Lets go of the quiet buckets no longer assigned here, and takes the assigned ones that are free. */
  private Future<Void> balance() {
    if (stopped) {
      return Future.succeededFuture();
    }
    if (rebalancing) {
      again = true;
      return Future.succeededFuture();
    }
    rebalancing = true;
    Future<Void> done = connected().compose(c -> {
      Set<Integer> want = assigned(members.self(), members.all());
      for (int bucket : held) {
        if (!want.contains(bucket)) {
          leaving.add(bucket);
        }
      }
      leaving.removeIf(want::contains);   // assigned back before it was let go
      List<Integer> release = leaving.stream().filter(handover::quiet).toList();
      List<Integer> take = want.stream().filter(b -> !held.contains(b)).sorted().toList();
      return unlock(c, release).compose(v -> lock(c, take));
    });
    return done.onComplete(result -> {
      rebalancing = false;
      List<Integer> now = buckets();
      if (!now.equals(listed)) {
        listed = now;
        directory.changed();
      }
      if (again) {
        again = false;
        vertx.runOnContext(v -> rebalance());
      }
    });
  }

  private Future<PgConnection> connected() {
    if (connection != null) {
      return Future.succeededFuture(connection);
    }
    return PgConnection.connect(vertx, options).map(c -> {
      connection = c;
      c.closeHandler(v -> {
        connection = null;
        if (!stopped && !held.isEmpty()) {
          LOG.warning("Delivery lost its database locks (" + held.size() + " buckets); taking its share again once it can");
        }
        new ArrayList<>(held).forEach(handover::released);
        held.clear();
        leaving.clear();
      });
      return c;
    });
  }

  private Future<Void> unlock(PgConnection c, List<Integer> buckets) {
    if (buckets.isEmpty()) {
      return Future.succeededFuture();
    }
    return c.preparedQuery("SELECT pg_advisory_unlock(k) FROM unnest($1::bigint[]) k")
        .execute(Tuple.of(keys(buckets))).map(rows -> {
          buckets.forEach(bucket -> {
            held.remove(bucket);
            leaving.remove(bucket);
            handover.released(bucket);
          });
          LOG.info(() -> "Delivery let go of " + buckets.size() + " buckets; delivering " + buckets().size());
          return null;
        });
  }

  private Future<Void> lock(PgConnection c, List<Integer> buckets) {
    if (buckets.isEmpty()) {
      return Future.succeededFuture();
    }
    return c.preparedQuery("SELECT k, pg_try_advisory_lock(k) AS taken FROM unnest($1::bigint[]) k")
        .execute(Tuple.of(keys(buckets))).map(rows -> {
          Set<Integer> taken = new HashSet<>();
          rows.forEach(row -> {
            if (row.getBoolean("taken")) {
              taken.add((int) (row.getLong("k") - LOCK_BASE));
            }
          });
          if (!taken.isEmpty()) {
            held.addAll(taken);
            LOG.info(() -> "Delivery took " + taken.size() + " buckets; delivering " + buckets().size() + " of " + BUCKETS);
            handover.taken(taken);
          }
          return null;
        });
  }

  private static Long[] keys(List<Integer> buckets) {
    return buckets.stream().map(b -> LOCK_BASE + b).toArray(Long[]::new);
  }
}
