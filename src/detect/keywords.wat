;; The keyword prefilter's inner loop (see keywords.ts), as WebAssembly: a byte-at-a-time pass
;; that V8 compiles to a few machine instructions per byte, about twice as fast as the same loop
;; in JavaScript over a string. scripts/build-wasm.mjs assembles this file into keywords-wasm.ts.
;;
;; scan(p, i0, n, h0, tab, out, max) -> hits
;;   Walks bytes p+i0 .. p+n-1 keeping h = the last three bytes, 5 bits each (h0 primes it).
;;   Where the 32 KiB table at `tab` holds a non-zero bucket for h, writes the pair
;;   (index of the byte, bucket) as two i32 at out + 8 * hit. Stops after `max` hits; the
;;   caller then resumes after the last one.
(module
  (memory (export "memory") 1)
  (func (export "scan")
    (param $p i32) (param $i0 i32) (param $n i32) (param $h0 i32)
    (param $tab i32) (param $out i32) (param $max i32)
    (result i32)
    (local $i i32) (local $h i32) (local $cnt i32) (local $slot i32)
    local.get $i0
    local.set $i
    local.get $h0
    local.set $h
    block $done
      local.get $i
      local.get $n
      i32.ge_u
      br_if $done
      loop $next
        ;; h = ((h << 5) | (byte & 31)) & 0x7fff
        local.get $h
        i32.const 5
        i32.shl
        local.get $p
        local.get $i
        i32.add
        i32.load8_u
        i32.const 31
        i32.and
        i32.or
        i32.const 0x7fff
        i32.and
        local.tee $h
        local.get $tab
        i32.add
        i32.load8_u
        if
          local.get $out
          local.get $cnt
          i32.const 3
          i32.shl
          i32.add
          local.tee $slot
          local.get $i
          i32.store
          local.get $slot
          local.get $h
          local.get $tab
          i32.add
          i32.load8_u
          i32.store offset=4
          local.get $cnt
          i32.const 1
          i32.add
          local.tee $cnt
          local.get $max
          i32.eq
          br_if $done
        end
        local.get $i
        i32.const 1
        i32.add
        local.tee $i
        local.get $n
        i32.lt_u
        br_if $next
      end
    end
    local.get $cnt)
)
