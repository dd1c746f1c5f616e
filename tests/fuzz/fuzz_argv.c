/* libFuzzer harness for a tool's command line: the input, split at NUL and newline, is the argv of
 * the tool's main (compiled into this program as fuzz_tool_main), run in a forked child. */
#define _GNU_SOURCE

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef FUZZ_TOOL
#error "compile with -DFUZZ_TOOL=\"sgema-...\""
#endif

/* Why a child per input: the tools keep their options in static variables and call exit(), and
 * none of that can be undone in one process; a fresh fork starts every input from the same state.
 * The child's coverage counters are copied back so that libFuzzer sees what the input reached.
 *
 * Why a private working directory: the tools read and write files named on the command line. The
 * input's '/' become '_', so every path names an entry of that directory; it holds copies of the
 * files of $SGEMA_FUZZ_DATA (a results file, an experiment file, a trial record) for the inputs to
 * name, and is put back as it was after every child. Only the child works in it. */

int fuzz_tool_main(int argc, char **argv);
__attribute__((noreturn)) void fuzz_tool_exit(int code);
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 64
#define MAX_SEEDS 16

/* libFuzzer's inline 8-bit counters: the linker's bounds of their section (declared as the
 * compiler's own module constructor declares them: a weak declaration here would stop that
 * constructor from registering them with libFuzzer). A replay build has no counters. */
#ifdef SGEMA_LIBFUZZER
extern uint8_t __start___sancov_cntrs[] __attribute__((visibility("hidden")));
extern uint8_t __stop___sancov_cntrs[] __attribute__((visibility("hidden")));
static uint8_t *find_counters(size_t *n) {
  *n = (size_t)((uintptr_t)__stop___sancov_cntrs - (uintptr_t)__start___sancov_cntrs);
  return __start___sancov_cntrs;
}
#else
static uint8_t *find_counters(size_t *n) {
  *n = 0;
  return NULL;
}
#endif

typedef struct {
  char name[NAME_MAX + 1];
  char *bytes;
  size_t size;
  struct stat st; /* after the harness wrote it */
} seed_file;

static char workdir[PATH_MAX];
static int workdir_fd =
    -1; /* the parent stays where it was started: libFuzzer's paths are relative */
static seed_file seeds[MAX_SEEDS];
static int nseeds;
static uint8_t *counters;        /* this process's coverage counters (NULL without libFuzzer) */
static uint8_t *shared_counters; /* MAP_SHARED: written by the child, read by the parent */
static size_t ncounters;
static int err_fd = -1, null_fd = -1;
static pid_t parent;

static void die(const char *what) {
  fprintf(stderr, "fuzz_argv(%s): %s: %s\n", FUZZ_TOOL, what, strerror(errno));
  abort();
}

static void write_seed(seed_file *s) {
  int fd = openat(workdir_fd, s->name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || (s->size && write(fd, s->bytes, s->size) != (ssize_t)s->size) || close(fd) != 0)
    die(s->name);
  if (fstatat(workdir_fd, s->name, &s->st, 0) != 0)
    die(s->name);
}

static void load_seeds(const char *dir) {
  DIR *d = opendir(dir);
  if (!d)
    die(dir);
  struct dirent *ent;
  while ((ent = readdir(d)) && nseeds < MAX_SEEDS) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
    struct stat st;
    if (ent->d_name[0] == '.' || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
      continue;
    FILE *f = fopen(path, "rb");
    seed_file *s = &seeds[nseeds];
    s->bytes = malloc(st.st_size ? (size_t)st.st_size : 1);
    if (!f || !s->bytes || fread(s->bytes, 1, (size_t)st.st_size, f) != (size_t)st.st_size)
      die(path);
    fclose(f);
    s->size = (size_t)st.st_size;
    snprintf(s->name, sizeof s->name, "%s", ent->d_name);
    nseeds++;
  }
  closedir(d);
}

static int is_seed(const char *name) {
  for (int i = 0; i < nseeds; i++)
    if (strcmp(seeds[i].name, name) == 0)
      return 1;
  return 0;
}

/* Deletes what the child created and rewrites the seed files it changed. */
static void restore_workdir(void) {
  DIR *d = opendir(workdir);
  if (!d)
    die(workdir);
  struct dirent *ent;
  while ((ent = readdir(d)))
    if (strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0 && !is_seed(ent->d_name))
      if (unlinkat(workdir_fd, ent->d_name, 0) != 0 &&
          unlinkat(workdir_fd, ent->d_name, AT_REMOVEDIR) != 0)
        fprintf(stderr, "fuzz_argv(%s): cannot remove %s/%s\n", FUZZ_TOOL, workdir, ent->d_name);
  closedir(d);
  for (int i = 0; i < nseeds; i++) {
    struct stat st;
    if (fstatat(workdir_fd, seeds[i].name, &st, 0) != 0 || st.st_size != seeds[i].st.st_size ||
        st.st_mtim.tv_sec != seeds[i].st.st_mtim.tv_sec ||
        st.st_mtim.tv_nsec != seeds[i].st.st_mtim.tv_nsec || !S_ISREG(st.st_mode))
      write_seed(&seeds[i]);
  }
}

static void remove_workdir(void) {
  if (getpid() != parent || !workdir[0])
    return;
  nseeds = 0;
  restore_workdir();
  rmdir(workdir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  parent = getpid();
  snprintf(workdir, sizeof workdir, "%s/sgema-fuzz-XXXXXX",
           getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  if (!mkdtemp(workdir))
    die("mkdtemp");
  const char *data = getenv("SGEMA_FUZZ_DATA");
  if (data && data[0])
    load_seeds(data);
  workdir_fd = open(workdir, O_RDONLY | O_DIRECTORY);
  if (workdir_fd < 0)
    die(workdir);
  for (int i = 0; i < nseeds; i++)
    write_seed(&seeds[i]);
  atexit(remove_workdir);
  counters = find_counters(&ncounters);
  if (counters && ncounters > 0) {
    shared_counters =
        mmap(NULL, ncounters, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared_counters == MAP_FAILED)
      die("mmap");
  }
  err_fd = memfd_create("child-stderr", 0);
  null_fd = open("/dev/null", O_WRONLY);
  if (err_fd < 0 || null_fd < 0)
    die("memfd_create or /dev/null");
  return 0;
}

/* The child ends here, whether the tool returned from main or called exit (fuzz_stubs.h): its
 * counters to the parent, then _exit, because the child inherited libFuzzer's exit handler, which
 * reports any exit during an input as a crash. No leak check: LeakSanitizer in a child forked from
 * a threaded process is slow and unreliable; the tools' leaks are scripts/sanitize.sh's. */
__attribute__((noreturn)) void fuzz_tool_exit(int code) {
  fflush(NULL);
  if (shared_counters)
    memcpy(shared_counters, counters, ncounters);
  _exit(code);
}

static void run_child(char **argv, int argc) {
  if (shared_counters) /* only what this input reaches, not what the parent had */
    memset(counters, 0, ncounters);
  prctl(PR_SET_PDEATHSIG, SIGKILL); /* a timed-out parent takes its child with it */
  dup2(null_fd, STDIN_FILENO);
  dup2(null_fd, STDOUT_FILENO);
  dup2(err_fd, STDERR_FILENO);
  if (fchdir(workdir_fd) != 0)
    _exit(111);
  fuzz_tool_exit(fuzz_tool_main(argc, argv));
}

/* The child's stderr (a sanitizer's report) on ours, when the child crashed. */
static void show_child_stderr(void) {
  char buf[4096];
  ssize_t got;
  lseek(err_fd, 0, SEEK_SET);
  while ((got = read(err_fd, buf, sizeof buf)) > 0)
    if (write(STDERR_FILENO, buf, (size_t)got) < 0)
      break;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096)
    return 0;
  char *text = malloc(size + 1), *argv[MAX_ARGS + 2];
  if (!text)
    return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  int argc = 0;
  argv[argc++] = (char *)FUZZ_TOOL;
  for (char *p = text; argc <= MAX_ARGS && p <= text + size;) {
    char *end = p;
    while (end < text + size && *end != '\0' && *end != '\n')
      end++;
    *end = '\0';
    for (char *c = p; c < end; c++)
      if (*c == '/')
        *c = '_';
    argv[argc++] = p;
    p = end + 1;
  }
  argv[argc] = NULL;
  if (ftruncate(err_fd, 0) != 0 || lseek(err_fd, 0, SEEK_SET) != 0)
    die("child stderr");
  if (shared_counters)
    memset(shared_counters, 0, ncounters);
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0)
    die("fork");
  if (pid == 0)
    run_child(argv, argc);
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      die("waitpid");
  if (shared_counters)
    memcpy(counters, shared_counters, ncounters);
  restore_workdir();
  free(text);
  if (getenv("SGEMA_FUZZ_VERBOSE")) { /* what each input did, for writing seeds by hand */
    show_child_stderr();
    size_t hit = 0;
    for (size_t i = 0; i < ncounters; i++)
      hit += shared_counters[i] != 0;
    fprintf(stderr, "fuzz_argv(%s): %d arguments, exit status %d, %zu of %zu counters hit\n",
            FUZZ_TOOL, argc - 1, WIFEXITED(status) ? WEXITSTATUS(status) : -1, hit, ncounters);
  }
  if (WIFSIGNALED(status)) {
    show_child_stderr();
    fprintf(stderr, "fuzz_argv(%s): the tool died of signal %d\n", FUZZ_TOOL, WTERMSIG(status));
    abort();
  }
  return 0;
}
