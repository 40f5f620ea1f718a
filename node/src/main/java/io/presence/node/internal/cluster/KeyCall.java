package io.presence.node.internal.cluster;

import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.map.impl.proxy.MapProxyImpl;

import java.util.function.BiConsumer;

/**
 * One entry processor call on one key, its answer taken on the thread that produces it.
 *
 * <p>Hazelcast's public {@code submitToKey} hands every answer to its default async executor (the
 * common fork-join pool) to deserialize it, whatever executor the caller names for its callback:
 * a wake-up and a park for each call, which cost more than deserializing the answer. A member's
 * map proxy also offers the call with the answer as data; that is deserialized where it arrives
 * (a partition or response thread; it is small). A client's proxy has no such call and goes the
 * public way.
 */
final class KeyCall {

    private KeyCall() {
    }

    /** Calls {@code processor} on {@code key}; {@code answer} gets its result or its failure, once. */
    static <K, V, R> void submit(IMap<K, V> map, K key, EntryProcessor<K, V, R> processor, BiConsumer<R, Throwable> answer) {
        if (map instanceof MapProxyImpl<K, V> member) {
            SerializationService serialization = member.getNodeEngine().getSerializationService();
            member.executeOnKeyInternal(key, processor).whenCompleteAsync((data, failure) -> {
                if (failure != null) {
                    answer.accept(null, failure);
                    return;
                }
                R result;
                try {
                    result = serialization.toObject(data);
                } catch (RuntimeException e) {
                    answer.accept(null, e);
                    return;
                }
                answer.accept(result, null);
            }, Runnable::run);
        } else {
            map.submitToKey(key, processor).whenCompleteAsync(answer, Runnable::run);
        }
    }
}
