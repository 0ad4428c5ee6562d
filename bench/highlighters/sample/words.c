/* Counts the words of each file named on the command line. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#define BUF_SIZE 4096

struct count {
    const char *name;
    unsigned long words;
    unsigned long lines;
};

static int count_file(struct count *c)
{
    FILE *f = fopen(c->name, "rb");
    char buf[BUF_SIZE];
    size_t n;
    int in_word = 0;

    if (f == NULL) {
        perror(c->name);
        return -1;
    }
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        for (size_t i = 0; i < n; i++) {
            if (buf[i] == '\n')
                c->lines++;
            if (isspace((unsigned char)buf[i])) {
                in_word = 0;
            } else if (!in_word) {
                in_word = 1;
                c->words++;
            }
        }
    }
    fclose(f);
    return 0;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        struct count c = { argv[i], 0, 0 };
        if (count_file(&c) == 0)
            printf("%8lu %8lu %s\n", c.lines, c.words, c.name);
    }
    return EXIT_SUCCESS;
}
