/* Fuzz target: the issue loader on the input as issue JSON. The folder holds a template
 * (tmpl.json), a body (lead.md) and photos (photo.jpg, photo.png) for references to resolve;
 * "tabloid" resolves in layouts/. */
#include "fuzz.h"

static const fz_env_t *env;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  env = fz_setup (FALSE);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  pb_issue_t *issue = pb_issue_load_data ((const char *) data, size, "issue.json", env->dir,
                                          env->datadir, &error);
  fz_check_error (issue != NULL, &error, "pb_issue_load_data");
  if (issue)
    fz_check_issue (issue);
  pb_issue_free (issue);
  return 0;
}
