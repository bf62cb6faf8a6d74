/* tiny: the program every end-to-end benchmark starts; it only exits 0.
 * Built three ways: with TINY_NOLIBC as the smallest static ELF (its own _start, no libc:
 * exec cost with nothing to load or initialise), and with libc, static and dynamic, to
 * show what libc start-up and dynamic loading add. */
#include <unistd.h>

#if defined(TINY_NOLIBC) && (defined(__x86_64__) || defined(__aarch64__))
void _start(void);

void _start(void)
{
#if defined(__x86_64__)
    __asm__ volatile("mov $60, %eax\n\txor %edi, %edi\n\tsyscall");
#else
    __asm__ volatile("mov x8, #93\n\tmov x0, #0\n\tsvc #0");
#endif
    for (;;)
        ;
}
#else
int main(void)
{
    _exit(0);
}
#endif
