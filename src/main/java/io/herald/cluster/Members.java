package io.herald.cluster;

import io.vertx.core.Context;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeListener;

import java.util.List;
import java.util.UUID;

/**
 * The live members of the cluster as Hazelcast (the Vert.x cluster manager) sees them, and this node's id among
 * them; a node that is not clustered is a cluster of one. Who delivers which subscription is decided from this list
 * ({@link DeliveryShares}).
 */
public interface Members {

  /** This node's id. */
  String self();

  /** Every live member's id, this node's included. */
  List<String> all();

  /** Calls {@code changed} on {@code context} whenever a member joins or leaves. */
  void onChange(Context context, Runnable changed);

  /** A node alone. */
  static Members alone() {
    String self = UUID.randomUUID().toString();
    return new Members() {
      @Override
      public String self() {
        return self;
      }

      @Override
      public List<String> all() {
        return List.of(self);
      }

      @Override
      public void onChange(Context context, Runnable changed) {
      }
    };
  }

  /** The members of the cluster {@code manager} has joined. */
  static Members of(ClusterManager manager) {
    return new Members() {
      @Override
      public String self() {
        return manager.getNodeId();
      }

      @Override
      public List<String> all() {
        return manager.getNodes();
      }

      @Override
      public void onChange(Context context, Runnable changed) {
        manager.nodeListener(new NodeListener() {
          @Override
          public void nodeAdded(String nodeID) {
            context.runOnContext(v -> changed.run());
          }

          @Override
          public void nodeLeft(String nodeID) {
            context.runOnContext(v -> changed.run());
          }
        });
      }
    };
  }
}
