#pragma once
#define VISIBLE_IF_KUNIT
#define EXPORT_SYMBOL_IF_KUNIT(s)
