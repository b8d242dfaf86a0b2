// switchyard-cli: the headless front end. Everything lives in Switchyard::Cli.
#include "cli/CliApp.h"

int main(int argc, char *argv[])
{
    return switchyard::cli::run(argc, argv);
}
