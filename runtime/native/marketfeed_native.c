// marketfeed native addon: the few system calls Node lacks.
//  - createSegment / openSegment: a file under /dev/shm mapped MAP_SHARED and handed to
//    JavaScript as an external ArrayBuffer (Atomics.load/store work on it across processes).
//  - unmapSegment: munmap now and detach the ArrayBuffer (instead of waiting for GC).
//  - setAffinity / getAffinity: sched_setaffinity / sched_getaffinity.
//  - monotonicNs / realtimeNs: clock_gettime as a double (no BigInt allocation).
//  - bindClockCell / tickMonotonic / tickRealtime: clock_gettime written into a bound
//    Float64Array instead of returned, so a hot loop reads it without V8 allocating a heap
//    number for the result (a double returned from a native call always is one).
//  - yieldCpu: sched_yield, for idle strategies.
//  - setSocketBuffers: SO_SNDBUF / SO_RCVBUF on a socket (Node's net cannot size them).
// Node-API only (ABI-stable across Node versions); no dependencies.
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_PATH 4096
#define MAX_CPUS 1024

typedef struct mapping {
  void* base;
  size_t length;
  int unmapped;
  struct mapping* next;
} mapping_t;

// Live mappings, so that unmapSegment can mark a record the GC finalizer will later see;
// munmap twice could release a range the kernel has since handed to someone else.
static mapping_t* live_mappings = NULL;
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;

static void track(mapping_t* m) {
  pthread_mutex_lock(&live_lock);
  m->next = live_mappings;
  live_mappings = m;
  pthread_mutex_unlock(&live_lock);
}

static void untrack(mapping_t* m) {
  pthread_mutex_lock(&live_lock);
  for (mapping_t** p = &live_mappings; *p != NULL; p = &(*p)->next) {
    if (*p == m) {
      *p = m->next;
      break;
    }
  }
  pthread_mutex_unlock(&live_lock);
}

// Marks the mapping at base as unmapped; returns its length, or 0 if unknown.
static size_t mark_unmapped(void* base) {
  size_t length = 0;
  pthread_mutex_lock(&live_lock);
  for (mapping_t* m = live_mappings; m != NULL; m = m->next) {
    if (m->base == base && !m->unmapped) {
      m->unmapped = 1;
      length = m->length;
      break;
    }
  }
  pthread_mutex_unlock(&live_lock);
  return length;
}

static napi_value throw_errno(napi_env env, const char* syscall, const char* path, int err) {
  char message[MAX_PATH + 128];
  snprintf(message, sizeof message, "%s(%s) failed: %s", syscall, path ? path : "", strerror(err));
  napi_value msg, error, code, sys, errnum;
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &msg);
  napi_create_error(env, NULL, msg, &error);
  const char* name = err == ENOENT ? "ENOENT" : err == EEXIST ? "EEXIST" : err == EACCES ? "EACCES"
                   : err == EINVAL ? "EINVAL" : err == ENOMEM ? "ENOMEM" : err == ENOSPC ? "ENOSPC"
                   : err == EPERM ? "EPERM" : "EUNKNOWN";
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &sys);
  napi_create_int32(env, err, &errnum);
  napi_set_named_property(env, error, "code", code);
  napi_set_named_property(env, error, "syscall", sys);
  napi_set_named_property(env, error, "errno", errnum);
  napi_throw(env, error);
  return NULL;
}

static napi_value throw_type(napi_env env, const char* message) {
  napi_throw_type_error(env, NULL, message);
  return NULL;
}

static int get_path(napi_env env, napi_value value, char* out) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, value, out, MAX_PATH, &len) != napi_ok) return 0;
  return len > 0 && len < MAX_PATH - 1;
}

static void finalize_mapping(napi_env env, void* data, void* hint) {
  (void)env;
  (void)data;
  mapping_t* m = (mapping_t*)hint;
  untrack(m);
  if (!m->unmapped) munmap(m->base, m->length);
  free(m);
}

// Maps fd and returns { buffer, inode, size }; closes fd in every case.
static napi_value map_fd(napi_env env, int fd, size_t length, int writable, const char* path) {
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, "fstat", path, err);
  }
  int prot = PROT_READ | (writable ? PROT_WRITE : 0);
  void* base = mmap(NULL, length, prot, MAP_SHARED | MAP_POPULATE, fd, 0);
  int err = errno;
  close(fd);
  if (base == MAP_FAILED) return throw_errno(env, "mmap", path, err);
  mapping_t* m = (mapping_t*)malloc(sizeof(mapping_t));
  if (m == NULL) {
    munmap(base, length);
    return throw_errno(env, "malloc", path, ENOMEM);
  }
  m->base = base;
  m->length = length;
  m->unmapped = 0;
  m->next = NULL;
  napi_value buffer, result, inode, size;
  if (napi_create_external_arraybuffer(env, base, length, finalize_mapping, m, &buffer) != napi_ok) {
    munmap(base, length);
    free(m);
    return throw_type(env, "napi_create_external_arraybuffer failed");
  }
  track(m);
  napi_create_object(env, &result);
  napi_create_double(env, (double)st.st_ino, &inode);
  napi_create_double(env, (double)length, &size);
  napi_set_named_property(env, result, "buffer", buffer);
  napi_set_named_property(env, result, "inode", inode);
  napi_set_named_property(env, result, "size", size);
  return result;
}

// createSegment(path, size, mode) -> { buffer, inode, size }. Fails with EEXIST if present.
static napi_value create_segment(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char path[MAX_PATH];
  double size_d = 0;
  uint32_t mode = 0600;
  if (argc < 3 || !get_path(env, argv[0], path)) return throw_type(env, "createSegment(path, size, mode): bad path");
  if (napi_get_value_double(env, argv[1], &size_d) != napi_ok || size_d <= 0 || size_d > 1099511627776.0)
    return throw_type(env, "createSegment(path, size, mode): bad size");
  if (napi_get_value_uint32(env, argv[2], &mode) != napi_ok || mode > 0777)
    return throw_type(env, "createSegment(path, size, mode): bad mode");
  size_t size = (size_t)size_d;
  int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)mode);
  if (fd < 0) return throw_errno(env, "open", path, errno);
  // fchmod: the process umask must not narrow the permissions asked for.
  if (fchmod(fd, (mode_t)mode) != 0 || ftruncate(fd, (off_t)size) != 0) {
    int err = errno;
    close(fd);
    unlink(path);
    return throw_errno(env, "ftruncate", path, err);
  }
  napi_value result = map_fd(env, fd, size, 1, path);
  if (result == NULL) unlink(path);
  return result;
}

// openSegment(path, writable) -> { buffer, inode, size }: maps the whole existing file.
static napi_value open_segment(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char path[MAX_PATH];
  bool writable = false;
  if (argc < 2 || !get_path(env, argv[0], path)) return throw_type(env, "openSegment(path, writable): bad path");
  napi_get_value_bool(env, argv[1], &writable);
  int fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return throw_errno(env, "open", path, errno);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, "fstat", path, err);
  }
  if (st.st_size <= 0) {
    close(fd);
    return throw_errno(env, "mmap", path, EINVAL);
  }
  return map_fd(env, fd, (size_t)st.st_size, writable, path);
}

// unmapSegment(buffer): unmaps now and detaches the ArrayBuffer so no view can touch it.
static napi_value unmap_segment(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  bool is_ab = false;
  if (argc < 1 || napi_is_arraybuffer(env, argv[0], &is_ab) != napi_ok || !is_ab)
    return throw_type(env, "unmapSegment(buffer): not an ArrayBuffer");
  bool detached = false;
  napi_is_detached_arraybuffer(env, argv[0], &detached);
  if (detached) return NULL;
  void* data = NULL;
  size_t length = 0;
  napi_get_arraybuffer_info(env, argv[0], &data, &length);
  if (napi_detach_arraybuffer(env, argv[0]) != napi_ok) return throw_type(env, "unmapSegment: buffer is not detachable");
  // Only buffers this addon mapped are released; the finalizer will skip the munmap.
  size_t mapped = mark_unmapped(data);
  if (mapped > 0) munmap(data, mapped);
  return NULL;
}

static napi_value cpu_list(napi_env env, const cpu_set_t* set) {
  napi_value list, cpu;
  napi_create_array(env, &list);
  uint32_t n = 0;
  for (int i = 0; i < MAX_CPUS; i++) {
    if (CPU_ISSET(i, set)) {
      napi_create_int32(env, i, &cpu);
      napi_set_element(env, list, n++, cpu);
    }
  }
  return list;
}

// setAffinity(cpus, allThreads) -> cpus now allowed for the calling thread.
// allThreads also pins the process's other threads (as `taskset -a` does).
static napi_value set_affinity(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  bool is_array = false, all_threads = false;
  if (argc < 1 || napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array)
    return throw_type(env, "setAffinity(cpus, allThreads): cpus must be an array");
  if (argc > 1) napi_get_value_bool(env, argv[1], &all_threads);
  uint32_t n = 0;
  napi_get_array_length(env, argv[0], &n);
  cpu_set_t set;
  CPU_ZERO(&set);
  for (uint32_t i = 0; i < n; i++) {
    napi_value v;
    int32_t cpu = -1;
    napi_get_element(env, argv[0], i, &v);
    if (napi_get_value_int32(env, v, &cpu) != napi_ok || cpu < 0 || cpu >= MAX_CPUS)
      return throw_type(env, "setAffinity: each cpu must be an integer in [0, 1024)");
    CPU_SET(cpu, &set);
  }
  if (n == 0) return throw_type(env, "setAffinity: empty cpu list");
  if (all_threads) {
    DIR* dir = opendir("/proc/self/task");
    if (dir != NULL) {
      struct dirent* entry;
      while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.') continue;
        pid_t tid = (pid_t)atoi(entry->d_name);
        sched_setaffinity(tid, sizeof set, &set);  // best effort for helper threads
      }
      closedir(dir);
    }
  }
  if (sched_setaffinity(0, sizeof set, &set) != 0) return throw_errno(env, "sched_setaffinity", NULL, errno);
  cpu_set_t now;
  CPU_ZERO(&now);
  sched_getaffinity(0, sizeof now, &now);
  return cpu_list(env, &now);
}

static napi_value get_affinity(napi_env env, napi_callback_info info) {
  (void)info;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return throw_errno(env, "sched_getaffinity", NULL, errno);
  return cpu_list(env, &set);
}

static napi_value clock_ns(napi_env env, clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  napi_value result;
  napi_create_double(env, (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec, &result);
  return result;
}

static napi_value monotonic_ns(napi_env env, napi_callback_info info) {
  (void)info;
  return clock_ns(env, CLOCK_MONOTONIC);
}

// Per environment (the main thread and each worker load the addon apart): the bound cell.
typedef struct clock_cell {
  double* values;
  napi_ref array;
} clock_cell_t;

static void free_clock_cell(napi_env env, void* data, void* hint) {
  (void)hint;
  clock_cell_t* cell = data;
  if (cell->array != NULL) napi_delete_reference(env, cell->array);
  free(cell);
}

static clock_cell_t* clock_cell_of(napi_env env) {
  void* data = NULL;
  napi_get_instance_data(env, &data);
  return data;
}

// bindClockCell(f64): index 0 receives CLOCK_MONOTONIC, index 1 CLOCK_REALTIME, in ns.
// The array is held by a reference, so its memory stays where the cell points.
static napi_value bind_clock_cell(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_typedarray_type type;
  size_t length = 0;
  void* data = NULL;
  bool is_typed = false;
  if (argc < 1 || napi_is_typedarray(env, argv[0], &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, argv[0], &type, &length, &data, NULL, NULL) != napi_ok ||
      type != napi_float64_array || length < 2) {
    napi_throw_type_error(env, NULL, "bindClockCell expects a Float64Array of at least 2 elements");
    return NULL;
  }
  clock_cell_t* cell = clock_cell_of(env);
  if (cell == NULL) {
    cell = calloc(1, sizeof *cell);
    if (cell == NULL) return throw_errno(env, "calloc", NULL, ENOMEM);
    napi_set_instance_data(env, cell, free_clock_cell, NULL);
  }
  if (cell->array != NULL) napi_delete_reference(env, cell->array);
  napi_create_reference(env, argv[0], 1, &cell->array);
  cell->values = data;
  return NULL;
}

static napi_value tick_clock(napi_env env, clockid_t id, int index) {
  clock_cell_t* cell = clock_cell_of(env);
  if (cell == NULL || cell->values == NULL) {
    napi_throw_error(env, NULL, "no clock cell bound: call bindClockCell first");
    return NULL;
  }
  struct timespec ts;
  clock_gettime(id, &ts);
  cell->values[index] = (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
  return NULL;
}

static napi_value tick_monotonic(napi_env env, napi_callback_info info) {
  (void)info;
  return tick_clock(env, CLOCK_MONOTONIC, 0);
}

static napi_value tick_realtime(napi_env env, napi_callback_info info) {
  (void)info;
  return tick_clock(env, CLOCK_REALTIME, 1);
}

static napi_value realtime_ns(napi_env env, napi_callback_info info) {
  (void)info;
  return clock_ns(env, CLOCK_REALTIME);
}

// setSocketBuffers(fd, sendBytes, receiveBytes) -> [send, receive] as the kernel set them
// (Linux doubles the value asked for). 0 leaves a size unchanged. Node's net has no API.
static napi_value set_socket_buffers(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd = -1, send = 0, receive = 0;
  if (argc < 3 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0 ||
      napi_get_value_int32(env, argv[1], &send) != napi_ok || napi_get_value_int32(env, argv[2], &receive) != napi_ok ||
      send < 0 || receive < 0)
    return throw_type(env, "setSocketBuffers(fd, sendBytes, receiveBytes): bad arguments");
  if (send > 0 && setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &send, sizeof send) != 0) return throw_errno(env, "setsockopt(SO_SNDBUF)", NULL, errno);
  if (receive > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive, sizeof receive) != 0) return throw_errno(env, "setsockopt(SO_RCVBUF)", NULL, errno);
  int actual_send = 0, actual_receive = 0;
  socklen_t length = sizeof(int);
  getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &actual_send, &length);
  length = sizeof(int);
  getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &actual_receive, &length);
  napi_value result, a, b;
  napi_create_array_with_length(env, 2, &result);
  napi_create_int32(env, actual_send, &a);
  napi_create_int32(env, actual_receive, &b);
  napi_set_element(env, result, 0, a);
  napi_set_element(env, result, 1, b);
  return result;
}

// yieldCpu(): sched_yield, the real "yield" of an idle strategy: lets another runnable
// thread on this core run without giving up the rest of the time slice to a sleep.
static napi_value yield_cpu(napi_env env, napi_callback_info info) {
  (void)env;
  (void)info;
  sched_yield();
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"createSegment", NULL, create_segment, NULL, NULL, NULL, napi_enumerable, NULL},
      {"openSegment", NULL, open_segment, NULL, NULL, NULL, napi_enumerable, NULL},
      {"unmapSegment", NULL, unmap_segment, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setAffinity", NULL, set_affinity, NULL, NULL, NULL, napi_enumerable, NULL},
      {"getAffinity", NULL, get_affinity, NULL, NULL, NULL, napi_enumerable, NULL},
      {"monotonicNs", NULL, monotonic_ns, NULL, NULL, NULL, napi_enumerable, NULL},
      {"realtimeNs", NULL, realtime_ns, NULL, NULL, NULL, napi_enumerable, NULL},
      {"bindClockCell", NULL, bind_clock_cell, NULL, NULL, NULL, napi_enumerable, NULL},
      {"tickMonotonic", NULL, tick_monotonic, NULL, NULL, NULL, napi_enumerable, NULL},
      {"tickRealtime", NULL, tick_realtime, NULL, NULL, NULL, napi_enumerable, NULL},
      {"yieldCpu", NULL, yield_cpu, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setSocketBuffers", NULL, set_socket_buffers, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
