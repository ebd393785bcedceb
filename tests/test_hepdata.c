/* test_hepdata.c — HEPData output: submission.yaml and table files parse as YAML (libyaml here;
 * python3's yaml as a second parser when present) and carry the keys hepdata_lib writes:
 * comment; name, description, keywords, data_file per table; independent_variables and
 * dependent_variables with header {name, units}, values [{value}], qualifiers, asymerror; '-'
 * for missing values; no .tmp files left; a missing directory parent is an error. */
#include "dy_test.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>
#include "dy_test_hepdata.h"
#include "io/hepdata.h"

#define HDIR DY_BINARY_DIR "/test_hepdata_tmp"

/* Parse every document of a YAML file; count them; find scalars (keys and values) in order. */
static int parse_yaml(const char *path, int *n_docs, char *scalars, size_t size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    yaml_parser_t p;
    yaml_document_t d;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_file(&p, f);
    *n_docs = 0;
    scalars[0] = '\0';
    int ok = 0;
    for (;;) {
        if (!yaml_parser_load(&p, &d)) {
            ok = -1;
            break;
        }
        yaml_node_t *root = yaml_document_get_root_node(&d);
        if (!root) {
            yaml_document_delete(&d);
            break;
        }
        ++*n_docs;
        for (yaml_node_t *n = d.nodes.start; n < d.nodes.top; ++n)
            if (n->type == YAML_SCALAR_NODE) {
                size_t u = strlen(scalars);
                snprintf(scalars + u, size - u, "%s|", (const char *)n->data.scalar.value);
            }
        yaml_document_delete(&d);
    }
    yaml_parser_delete(&p);
    fclose(f);
    return ok;
}

static void test_write_and_parse(void **state)
{
    (void)state;
    const double m[3] = {0.001, 0.01, 0.1}, eps[3] = {1e-5, NAN, 3e-4};
    const double lo[3] = {2e-6, 1e-6, 1e-5}, hi[3] = {4e-6, 2e-6, 2e-5};
    dy_hep_var x = {.name = "m_A'", .units = "GeV", .values = m};
    dy_hep_var y = {.name = "epsilon",
                    .units = "",
                    .values = eps,
                    .err_minus = lo,
                    .err_plus = hi,
                    .err_label = "expected 1 sigma",
                    .n_qual = 1,
                    .qual_name = {"CL"},
                    .qual_value = {"90%"}};
    dy_hep_table t[2] = {
        {"Observed limit",
         "It's the 'observed' one: quotes survive.",
         "observed.yaml",
         "epsilon",
         3,
         x,
         1,
         {y}},
        {"Second", "two dependent variables", "second.yaml", NULL, 3, x, 2, {y, y}}};
    dy_error e;
    mkdir(HDIR, 0777);
    assert_int_equal(dy_hepdata_write(HDIR "/sub", "darkyield test: comment", t, 2, &e), DY_OK);
    int nd;
    static char sc[65536];
    assert_int_equal(parse_yaml(HDIR "/sub/submission.yaml", &nd, sc, sizeof sc), 0);
    assert_int_equal(nd, 3); /* comment document + one per table */
    const char *want_sub[] = {"comment|",
                              "name|Observed limit|",
                              "description|",
                              "It's the 'observed' one: quotes survive.|",
                              "keywords|",
                              "observables|",
                              "data_file|observed.yaml|",
                              "data_file|second.yaml|"};
    for (size_t i = 0; i < sizeof want_sub / sizeof *want_sub; ++i)
        if (!strstr(sc, want_sub[i])) fail_msg("submission.yaml lacks %s in %s", want_sub[i], sc);
    assert_int_equal(parse_yaml(HDIR "/sub/observed.yaml", &nd, sc, sizeof sc), 0);
    assert_int_equal(nd, 1);
    const char *want_tab[] = {
        "independent_variables|header|name|m_A'|units|GeV|values|value|0.001|",
        "dependent_variables|header|name|epsilon|units||qualifiers|name|CL|"
        "value|90%|values|value|1.0e-05|errors|asymerror|minus|-2.0e-06|plus|"
        "4.0e-06|label|expected 1 sigma|value|-|value|0.0003|"};
    for (size_t i = 0; i < 2; ++i)
        if (!strstr(sc, want_tab[i])) fail_msg("observed.yaml lacks %s in %s", want_tab[i], sc);
    assert_int_equal(parse_yaml(HDIR "/sub/second.yaml", &nd, sc, sizeof sc), 0);
    /* no temporary files left */
    DIR *d = opendir(HDIR "/sub");
    assert_non_null(d);
    int files = 0;
    for (struct dirent *de; (de = readdir(d));) {
        if (de->d_name[0] == '.') continue;
        assert_null(strstr(de->d_name, ".tmp"));
        ++files;
    }
    closedir(d);
    assert_int_equal(files, 3);
    /* a second parser, if python3 with yaml is installed */
    if (system("/usr/bin/python3 -c 'import yaml' >/dev/null 2>&1") == 0) {
        const int rc = system(
            "/usr/bin/python3 -c \"import yaml,sys; d=list(yaml.safe_load_all(open('" HDIR
            "/sub/submission.yaml'))); t=yaml.safe_load(open('" HDIR "/sub/observed.yaml')); "
            "assert len(d)==3 and d[1]['data_file']=='observed.yaml' and "
            "d[1]['keywords'][0]['values']==['epsilon']; "
            "iv=t['independent_variables'][0]; dv=t['dependent_variables'][0]; "
            "assert iv['header']=={'name':\\\"m_A'\\\",'units':'GeV'}; "
            "assert [v['value'] for v in iv['values']]==[0.001,0.01,0.1]; "
            "assert dv['values'][1]['value']=='-' and dv['values'][0]['value']==1e-5; "
            "assert dv['values'][0]['errors'][0]['asymerror']=={'minus':-2e-6,'plus':4e-6}; "
            "assert dv['qualifiers']==[{'name':'CL','value':'90%'}]\"");
        assert_int_equal(rc, 0);
    }
}

/* A collapsed band (both errors 0, e.g. the expected limit at zero background) is written without
 * an uncertainty, which hepdata-validator requires; numbers keep 10 significant digits (the CSV
 * files keep 8); every submission passes hepdata-validator. */
static void test_zero_band_digits_validator(void **state)
{
    (void)state;
    const double m[2] = {0.01, 0.1}, v[2] = {0.123456789012, 2.5e-7};
    const double z[2] = {0.0, 0.0}, lo[2] = {0.0, 1e-8}, hi[2] = {0.0, 2e-8};
    dy_hep_var x = {.name = "m_A'", .units = "GeV", .values = m};
    dy_hep_var y = {.name = "eps", .units = "", .values = v, .err_minus = z, .err_plus = z};
    dy_hep_var w = {.name = "eps", .units = "", .values = v, .err_minus = lo, .err_plus = hi};
    dy_hep_table t[2] = {{"Zero band", "b = 0", "zero.yaml", "eps", 2, x, 1, {y}},
                         {"Band", "b = 3", "band.yaml", "eps", 2, x, 1, {w}}};
    dy_error e;
    mkdir(HDIR, 0777);
    assert_int_equal(dy_hepdata_write(HDIR "/zero", "zero-width band", t, 2, &e), DY_OK);
    static char sc[65536];
    int nd;
    assert_int_equal(parse_yaml(HDIR "/zero/zero.yaml", &nd, sc, sizeof sc), 0);
    assert_null(strstr(sc, "errors|"));                 /* no all-zero uncertainty */
    assert_non_null(strstr(sc, "|value|0.123456789|")); /* 10 digits, not 0.123457 */
    assert_int_equal(parse_yaml(HDIR "/zero/band.yaml", &nd, sc, sizeof sc), 0);
    assert_non_null(strstr(sc, "|value|0.123456789|value|2.5e-07|errors|asymerror|minus|-1.0e-08|"
                               "plus|2.0e-08|"));
    dy_assert_hepdata_valid(HDIR "/zero");
    dy_assert_hepdata_valid(HDIR "/sub");
}

static void test_errors(void **state)
{
    (void)state;
    const double m[1] = {1.0};
    dy_hep_var x = {.name = "m", .units = "GeV", .values = m};
    dy_hep_table t = {"a", "b", "a.yaml", NULL, 1, x, 1, {x}};
    dy_error e;
    assert_int_equal(dy_hepdata_write(HDIR "/no/such/dir", "c", &t, 1, &e), DY_ERR_IO);
    t.data_file = "../escape.yaml";
    assert_int_equal(dy_hepdata_write(HDIR "/sub2", "c", &t, 1, &e), DY_ERR_INVALID);
    assert_int_equal(access(HDIR "/sub2/submission.yaml", F_OK), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_write_and_parse),
                                       cmocka_unit_test(test_zero_band_digits_validator),
                                       cmocka_unit_test(test_errors)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
